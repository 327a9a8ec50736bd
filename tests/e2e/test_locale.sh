# The locale never changes a byte of a report: a run under de_DE.UTF-8
# (decimal comma, '.' as thousands separator) gives the C locale's
# report.json, report.html, summary.txt and customers.csv, reading the same
# decimal numbers from the CSV, the config file and the options. The program
# never calls setlocale(); this catches a change that would (or a library
# that does). ./run installs `locales` and generates de_DE.UTF-8; without it
# this test fails rather than pass without checking anything.
. "$(dirname "$0")/lib.sh" "$@"

LOC=de_DE.UTF-8
if ! locale -a 2> /dev/null | grep -qix 'de_DE\.utf-\?8'; then
    fail "locale $LOC is not installed (./run generates it: localedef -i de_DE -f UTF-8 $LOC)"
    finish
    exit 1
fi
# The locale really has a decimal comma (else the comparison proves nothing).
expect_eq decimal_comma "$(LC_ALL=$LOC python3 -c 'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.localeconv()["decimal_point"])')" ","

# compare NAME INPUT [args...]: one run per locale, outputs compared.
compare() {
    local name=$1 in=$2
    shift 2
    local rc_c=0 rc_de=0
    LC_ALL=C "$BIN" -q -o "$WORK/$name-C" "$@" "$in" 2> "$WORK/$name-C.err" || rc_c=$?
    LC_ALL=$LOC "$BIN" -q -o "$WORK/$name-de" "$@" "$in" 2> "$WORK/$name-de.err" || rc_de=$?
    expect_eq "${name}_rc_C" "$rc_c" 0
    expect_eq "${name}_rc_$LOC" "$rc_de" 0
    expect_eq "${name}_stderr" "$(cmp -s "$WORK/$name-C.err" "$WORK/$name-de.err" && echo same)" same
    for f in report.json report.html summary.txt customers.csv; do
        if cmp -s "$WORK/$name-C/$f" "$WORK/$name-de/$f"; then
            pass
        else
            fail "$name: $f differs between LC_ALL=C and LC_ALL=$LOC"
            diff "$WORK/$name-C/$f" "$WORK/$name-de/$f" 2>&1 | head -6 >&2 || true
        fi
    done
}

# Decimal prices and amounts in the data, decimals in the config file
# (min_support = 0.01 ...) and in an option.
compare tx "$SRC/data/sample_transactions.csv" --as-of 2011-12-10 \
    -c "$SRC/docs/report.ini" --max-reject-rate 0.25
compare customers "$SRC/data/sample_customers.csv" --as-of 2026-01-01 --k 4

finish
