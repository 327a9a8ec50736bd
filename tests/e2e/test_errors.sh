# Failure paths: exit codes, messages, and the previous reports left untouched.
. "$(dirname "$0")/lib.sh" "$@"
IN=$SHARED/shopping_trends.csv

run() { set +e; "$BIN" "$@" > "$WORK/stdout" 2> "$WORK/stderr"; rc=$?; set -e; }
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) ; }

"$BIN" -q -o "$WORK/out" "$IN"
before=$(snapshot "$WORK/out")

# Missing customer column: exit 2, names the field and the columns found.
cut -d, -f2- "$IN" > "$WORK/nocust.csv"
run -q -o "$WORK/out" "$WORK/nocust.csv"
expect_eq missing_customer_rc "$rc" 2
expect_eq missing_customer_msg "$(grep -c "missing required column: customer_id .*columns found: Age, Gender" "$WORK/stderr")" 1
expect_eq untouched_after_missing "$(snapshot "$WORK/out")" "$before"

# Missing amount column.
cut -d, -f1-5,7- "$IN" > "$WORK/noamount.csv"
run -q -o "$WORK/out" "$WORK/noamount.csv"
expect_eq missing_amount_rc "$rc" 2
expect_eq missing_amount_msg "$(grep -c "missing required column: amount" "$WORK/stderr")" 1
expect_eq untouched_after_amount "$(snapshot "$WORK/out")" "$before"
expect_eq no_temp_left "$(find "$WORK/out" -name '.shopper-report*' | wc -l)" 0

# Too many rejects: exit 3, reports untouched.
# 200 rows, every tenth with a bad amount: 10 % rejected.
awk -F, 'BEGIN{OFS=","} NR==1 {print; next} NR<=201 {if (NR % 10 == 0) $6="x" $6; print}' "$IN" > "$WORK/rejects.csv"
run -q -o "$WORK/out" "$WORK/rejects.csv"
expect_eq too_many_rejects_rc "$rc" 3
expect_eq too_many_rejects_msg "$(grep -c "rows rejected .* more than the 5.00% allowed" "$WORK/stderr")" 1
expect_eq untouched_after_rejects "$(snapshot "$WORK/out")" "$before"
# ... and accepted with a higher limit.
run -q -o "$WORK/out2" --max-reject-rate 50% "$WORK/rejects.csv"
expect_eq higher_limit_rc "$rc" 0

# Empty file, missing file: exit 2.
: > "$WORK/empty.csv"
run -q -o "$WORK/out" "$WORK/empty.csv"
expect_eq empty_rc "$rc" 2
expect_eq empty_msg "$(grep -c "empty.csv: the file is empty" "$WORK/stderr")" 1
run -q -o "$WORK/out" "$WORK/does-not-exist.csv"
expect_eq missing_file_rc "$rc" 2

# Usage errors: exit 2.
run --bogus "$IN"
expect_eq bad_option_rc "$rc" 2
run -q -o "$WORK/out"
expect_eq no_input_rc "$rc" 2
run --as-of 2026-13-01 "$IN"
expect_eq bad_as_of_rc "$rc" 2
run --map nosuchfield=X "$IN"
expect_eq bad_map_rc "$rc" 2
run -q -o "$WORK/out" --map customer_id=Nope "$IN"
expect_eq map_unknown_column_rc "$rc" 2
expect_eq untouched_after_usage "$(snapshot "$WORK/out")" "$before"

# --map renames work: the customer id taken from another column name.
sed '1s/Customer ID/Client Ref/' "$IN" > "$WORK/renamed.csv"
run -q -o "$WORK/out3" --map "customer_id=Client Ref" "$WORK/renamed.csv"
expect_eq map_rc "$rc" 0
expect_eq map_customers "$(json_get "$WORK/out3/report.json" 'd["kpis"]["customers"]')" 3900

# Unwritable output folder: exit 1.
run -q -o /dev/null/out "$IN"
expect_eq unwritable_rc "$rc" 1

# Config file errors name file and line.
printf '[clusters]\nk_min = 3\nbogus = 1\n' > "$WORK/bad.ini"
run -c "$WORK/bad.ini" --print-config
expect_eq bad_config_rc "$rc" 2
expect_eq bad_config_msg "$(grep -c "bad.ini:3: unknown setting \[clusters\] bogus" "$WORK/stderr")" 1
printf '[clusters]\nk_min = 3\n' > "$WORK/good.ini"
run -c "$WORK/good.ini" --print-config
expect_eq print_config "$(grep -c '^k_min = 3$' "$WORK/stdout")" 1

# The locale never changes a figure: see test_locale.sh (C vs de_DE.UTF-8).

# --help and --version
run --help
expect_eq help_rc "$rc" 0
expect_eq help_text "$(grep -c 'Usage: shopper-report' "$WORK/stdout")" 1
run --version
expect_eq version "$(cut -d' ' -f1 "$WORK/stdout")" shopper-report

finish
