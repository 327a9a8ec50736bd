# The workbook (segments.xlsx) and the persona cards (personas.pdf,
# personas/*.pdf) on the real Kaggle file: structure checked with outside
# tools (unzip, qpdf, pdfinfo, pdftotext), contents against report.json,
# and byte-identical output for the same input and --as-of.
. "$(dirname "$0")/lib.sh" "$@"
IN=$SHARED/shopping_trends.csv

"$BIN" -q -o "$WORK/a" --as-of 2026-01-01 "$IN"
J=$WORK/a/report.json
X=$WORK/a/segments.xlsx

# ---- workbook
expect_eq xlsx_exists "$(test -s "$X" && echo yes || echo no)" yes
expect_eq xlsx_unzip_t "$(unzip -tq "$X" > /dev/null 2>&1 && echo ok || echo bad)" ok
sheets=$(unzip -p "$X" xl/workbook.xml | grep -o '<sheet name="[^"]*"' | sed 's/^<sheet name="//; s/"$//' | paste -sd '|')
expect_eq first_sheets "$(echo "$sheets" | cut -d'|' -f1-2)" "Summary|Customers"
expect_eq last_sheet "${sheets##*|}" "Data Quality"
expect_eq segments_sheet "$(echo "|$sheets|" | grep -c '|Segments|')" 1
sheet() { unzip -p "$X" "xl/worksheets/sheet$1.xml"; }
# cell REF of sheet N: the XML of the cell
cellxml() { sheet "$1" | grep -o "<c r=\"$2\"[^>]*>\(<is><t>[^<]*</t></is>\|<v>[^<]*</v>\)"; }
expect_eq customers_rows "$(($(sheet 2 | grep -o '<row ' | wc -l) - 1))" 3900
expect_eq customers_header "$(cellxml 2 A1)" '<c r="A1" s="1" t="inlineStr"><is><t>Customer ID</t></is>'
expect_eq customer_id_text "$(cellxml 2 A2 | grep -o 't="inlineStr"><is><t>1</t>')" 't="inlineStr"><is><t>1</t>'
expect_eq last_customer "$(cellxml 2 A3901 | grep -o '<t>[^<]*</t>')" '<t>3900</t>'
# customers.csv column order decides where monetary is: find its letter
col=$(head -1 "$WORK/a/customers.csv" | tr ',' '\n' | grep -nx monetary | cut -d: -f1)
letter=$(printf "\\x$(printf %x $((64 + col)))")
expect_eq monetary_number "$(cellxml 2 "${letter}2" | grep -o '<v>[^<]*</v>')" '<v>53</v>'
expect_eq frozen "$(sheet 2 | grep -c 'state="frozen"')" 1
expect_eq autofilter "$(sheet 2 | grep -o '<autoFilter ref="A1:[A-Z]*3901"/>' | wc -l)" 1
expect_eq summary_customers "$(sheet 1 | grep -c '<v>3900</v>')" 1
expect_eq summary_link "$(sheet 1 | grep -c "location=\"'Customers'!A1\"")" 1
expect_eq charts "$(unzip -l "$X" | grep -c 'xl/charts/chart[0-9]*.xml')" \
    "$(json_get "$J" '2 * bool(d.get("segments")) + int("items" in d.get("clusters", {})) + int(bool(d.get("sentiment", {}).get("by_category")))')"

# ---- persona cards
P=$WORK/a/personas.pdf
n=$(json_get "$J" 'len(d.get("personas", []))')
expect_eq personas_pdf_exists "$(test -s "$P" && echo yes || echo no)" yes
expect_eq personas_qpdf "$(qpdf --check "$P" > /dev/null 2>&1 && echo ok || echo bad)" ok
expect_eq personas_pages "$(pdfinfo "$P" 2>/dev/null | sed -n 's/^Pages: *//p')" $((n + 1))
expect_eq personas_files "$(ls "$WORK/a/personas" 2>/dev/null | grep -c '\.pdf$')" "$n"
for f in "$WORK"/a/personas/*.pdf; do
    [ -e "$f" ] || continue
    expect_eq "qpdf $(basename "$f")" "$(qpdf --check "$f" > /dev/null 2>&1 && echo ok || echo bad)" ok
    expect_eq "pages $(basename "$f")" "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')" 1
done
expect_eq slugs_ascii "$(ls "$WORK/a/personas" 2>/dev/null | grep -vc '^[a-z0-9-]*\.pdf$')" 0
text=$(pdftotext -enc UTF-8 "$P" - 2>/dev/null | tr '\n' ' ')
for i in $(seq 0 $((n - 1))); do
    name=$(json_get "$J" "d['personas'][$i]['name']")
    fig=$(json_get "$J" "d['personas'][$i]['behavior']['total_revenue_fmt']")
    expect_eq "persona $i name" "$(echo "$text" | grep -cF "$name")" 1
    expect_eq "persona $i revenue" "$(echo "$text" | grep -cF "$fig")" 1
done
expect_eq summary_card "$(echo "$text" | grep -cF "$(json_get "$J" 'd["kpis"]["revenue_fmt"]')")" 1
expect_eq pdf_date "$(pdfinfo -isodates "$P" 2>/dev/null | sed -n 's/^CreationDate: *//p')" 2026-01-01T00:00:00Z

# ---- same input and --as-of: byte-identical workbook and cards
"$BIN" -v -o "$WORK/b" --as-of 2026-01-01 "$IN" 2> "$WORK/b.log"
# the Customers rows went straight into the zip (report/xlsxzip.c is in use)
expect_eq rows_streamed "$(grep -c 'segments.xlsx: written, 3900 customers on 1 sheet(s), rows streamed into the zip' "$WORK/b.log")" 1
expect_eq identical_xlsx "$(cmp -s "$X" "$WORK/b/segments.xlsx" && echo same || echo differ)" same
expect_eq identical_pdf "$(cmp -s "$P" "$WORK/b/personas.pdf" && echo same || echo differ)" same

finish
