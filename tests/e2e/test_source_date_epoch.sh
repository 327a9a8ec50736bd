# SOURCE_DATE_EPOCH (reproducible-builds.org) sets the as-of date when no
# --as-of is given: meta.as_of is its UTC day, two runs are byte-identical,
# the analyses are those of --as-of that day, and --as-of overrides it.
. "$(dirname "$0")/lib.sh" "$@"

IN=$SRC/data/sample_transactions.csv
SDE=1309437296 # 2011-06-30 12:34:56 UTC: mid-day, to see it cut to the day
DAY=2011-06-30
# Each run gets exactly the SOURCE_DATE_EPOCH it names (none: unset), and
# writes only the reports checked here (they are the same with or without
# --only; the workbook and PDFs would double the time under ASan).
sde_run() { # sde_run VALUE|none OUTDIR [args...]
    local v=$1 out=$2
    shift 2
    if [ "$v" = none ]; then
        env -u SOURCE_DATE_EPOCH "$BIN" -q -o "$out" --only json,html,csv "$@" "$IN" 2> /dev/null
    else
        SOURCE_DATE_EPOCH=$v "$BIN" -q -o "$out" --only json,html,csv "$@" "$IN" 2> /dev/null
    fi
}
same() { cmp -s "$1" "$2" && echo same || echo differ; }

sde_run none "$WORK/plain"
sde_run "$SDE" "$WORK/a"
sde_run "$SDE" "$WORK/b"
sde_run none "$WORK/flag" --as-of "$DAY"
sde_run "$SDE" "$WORK/override" --as-of 2011-09-01

# Without it the as-of date is the day after the last purchase, so the
# variable visibly changed something.
expect_eq default_as_of "$(json_get "$WORK/plain/report.json" 'd["meta"]["as_of"]')" 2011-12-10
expect_eq sde_as_of "$(json_get "$WORK/a/report.json" 'd["meta"]["as_of"]')" "$DAY"
for f in report.json report.html customers.csv; do
    expect_eq "sde_reproducible_$f" "$(same "$WORK/a/$f" "$WORK/b/$f")" same
done
# The same analyses as --as-of that day (meta differs: the settings echo
# the --as-of option).
expect_eq sde_equals_flag_body "$( [ "$(json_body "$WORK/a/report.json")" == "$(json_body "$WORK/flag/report.json")" ] && echo same)" same
expect_eq sde_equals_flag_customers "$(same "$WORK/a/customers.csv" "$WORK/flag/customers.csv")" same
expect_eq sde_differs_from_default "$(same "$WORK/a/customers.csv" "$WORK/plain/customers.csv")" differ
# --as-of wins over the variable.
expect_eq override_as_of "$(json_get "$WORK/override/report.json" 'd["meta"]["as_of"]')" 2011-09-01
# A different day gives a different as-of date (the value is really read).
sde_run $((SDE + 86400)) "$WORK/next"
expect_eq next_day_as_of "$(json_get "$WORK/next/report.json" 'd["meta"]["as_of"]')" 2011-07-01

finish
