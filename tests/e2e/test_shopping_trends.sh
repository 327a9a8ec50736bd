# The real Kaggle "Customer Shopping Trends" file: headline figures, format
# variants, determinism.
. "$(dirname "$0")/lib.sh" "$@"
IN=$SHARED/shopping_trends.csv

"$BIN" -q -o "$WORK/a" --as-of 2026-01-01 "$IN"
J=$WORK/a/report.json
expect_eq customers "$(json_get "$J" 'd["kpis"]["customers"]')" 3900
expect_eq revenue "$(json_get "$J" '"%.2f" % d["kpis"]["revenue"]')" 233081.00
expect_eq revenue_fmt "$(json_get "$J" 'd["kpis"]["revenue_fmt"]')" '$233,081'
expect_eq avg_purchase "$(json_get "$J" '"%.2f" % d["kpis"]["avg_purchase"]')" 59.76
expect_eq avg_rating "$(json_get "$J" '"%.2f" % d["kpis"]["avg_rating"]')" 3.75
expect_eq categories "$(json_get "$J" '",".join("%s=%d" % (c["name"], c["rows"]) for c in d["kpis"]["categories"])')" \
    "Clothing=1737,Accessories=1240,Footwear=599,Outerwear=324"
expect_eq gender "$(json_get "$J" '"%d/%d" % (d["kpis"]["gender"]["Male"], d["kpis"]["gender"]["Female"])')" 2652/1248
expect_eq rejected "$(json_get "$J" 'd["quality"]["rows_rejected"]')" 0
expect_eq rows "$(json_get "$J" 'd["quality"]["rows_read"]')" 3900
expect_eq no_rejects_file "$(test -e "$WORK/a/rejects.csv" && echo yes || echo no)" no
expect_eq rfm_method "$(json_get "$J" 'd["rfm"]["method"]')" estimated
expect_eq rfm_scores "$(json_get "$J" 'sorted(set(x for k in "rfm" for x in d["rfm"]["score_counts"][k]))')" "[780]"
expect_eq segments_total "$(json_get "$J" 'sum(s["customer_count"] for s in d["segments"])')" 3900
expect_eq sentiment "$(json_get "$J" '"%(positive)d/%(neutral)d/%(negative)d" % d["sentiment"]["distribution"]')" 1644/1571/685
expect_eq as_of "$(json_get "$J" 'd["meta"]["as_of"]')" 2026-01-01
expect_eq sha256 "$(json_get "$J" 'd["meta"]["inputs"][0]["sha256"]')" "$(sha256sum "$IN" | cut -d' ' -f1)"
expect_eq csv_rows "$(($(wc -l < "$WORK/a/customers.csv") - 1))" 3900
expect_eq csv_first "$(sed -n 2p "$WORK/a/customers.csv" | cut -d, -f1-2,4)" "1,1,53.00"

# Loyalty needs dates; discount dependency = Discount Applied = Yes.
expect_eq loyalty_skipped "$(json_get "$J" 'd["loyalty"]["status"]')" skipped
expect_eq loyalty_reason "$(json_get "$J" '"dates" in d["loyalty"]["reason"]')" True
expect_eq discount_dependency "$(json_get "$J" 'd["behavior"]["signals"]["discount_dependency"]')" 1677

# Clusters: chosen k in range, sizes add up, names unique.
expect_eq clusters_status "$(json_get "$J" 'd["clusters"]["status"]')" ran
expect_eq clusters_sizes "$(json_get "$J" 'sum(i["size"] for i in d["clusters"]["items"])')" 3900
expect_eq clusters_names_unique "$(json_get "$J" 'len(set(i["name"] for i in d["clusters"]["items"])) == len(d["clusters"]["items"])')" True
# scatter points carry the cluster's position in items[]: their mean frequency
# is that cluster's centroid frequency (every other customer is plotted).
expect_eq scatter_index "$(json_get "$J" 'all(abs(sum(p[0] for p in d["clusters"]["scatter"]["points"] if p[2] == j) / max(1, sum(1 for p in d["clusters"]["scatter"]["points"] if p[2] == j)) - it["centroid"]["frequency"]) < 0.1 * it["centroid"]["frequency"] + 1 for j, it in enumerate(d["clusters"]["items"]))')" True
expect_eq clusters_k_range "$(json_get "$J" '2 <= d["clusters"]["k"] <= 8')" True
# scikit-learn 1.2 terms (transform none, k=4, n_init=10): inertia 4047.97.
printf '[clusters]\ntransform = none\n' > "$WORK/none.ini"
"$BIN" -q -o "$WORK/k4" -c "$WORK/none.ini" --k 4 --as-of 2026-01-01 "$IN"
# ... and for every k = 2..8 the same inertia as scikit-learn 1.2 (same seed, 42).
expect_eq sklearn_all_k "$(json_get "$WORK/k4/report.json" '" ".join("%.2f" % s["inertia"] for s in d["clusters"]["selection"])')" \
    "8096.82 5586.61 4047.97 3079.27 2634.81 2366.30 2106.77"
expect_eq sklearn_k2 "$(json_get "$WORK/k4/report.json" '"%.2f" % [s["inertia"] for s in d["clusters"]["selection"] if s["k"] == 2][0]')" 8096.82
expect_eq csv_cluster "$(head -1 "$WORK/a/customers.csv" | grep -c ',cluster,tier,')" 1

# Same input and --as-of: byte-identical outputs.
"$BIN" -q -o "$WORK/b" --as-of 2026-01-01 "$IN"
expect_eq identical_json "$(cmp -s "$J" "$WORK/b/report.json" && echo same)" same
expect_eq identical_csv "$(cmp -s "$WORK/a/customers.csv" "$WORK/b/customers.csv" && echo same)" same

# snake_case header: same results apart from meta.
{ echo "customer_id,age,gender,item_purchased,category,purchase_amount_usd,location,size,color,season,review_rating,subscription_status,payment_method,shipping_type,discount_applied,promo_code_used,previous_purchases,preferred_payment_method,frequency_of_purchases"; tail -n +2 "$IN"; } > "$WORK/snake.csv"
"$BIN" -q -o "$WORK/c" --as-of 2026-01-01 "$WORK/snake.csv"
# Column names appear in quality, attribute items and persona descriptions, so compare the rest.
strip_names() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('meta'); d.pop('affinity'); [p.pop('description') for p in d.get('personas', [])]; q=d['quality']; [q.pop(k) for k in ('missing','column_types','columns','fields')]; print(json.dumps(d, sort_keys=True))" "$1"; }
expect_eq snake_case "$(strip_names "$WORK/c/report.json" | sha256sum)" "$(strip_names "$J" | sha256sum)"

# ';' delimiter and CRLF line ends: identical report apart from meta.
sed -e 's/,/;/g' -e 's/$/\r/' "$IN" > "$WORK/semi.csv"
"$BIN" -q -o "$WORK/d" --as-of 2026-01-01 "$WORK/semi.csv"
expect_eq semicolon_crlf "$(json_body "$WORK/d/report.json" | sha256sum)" "$(json_body "$J" | sha256sum)"

# CR-only line ends (Excel's "CSV (Macintosh)"): the same report, and a bad
# value is reported on its own line.
tr -d '\r' < "$IN" | tr '\n' '\r' > "$WORK/mac.csv"
"$BIN" -q -o "$WORK/e" --as-of 2026-01-01 "$WORK/mac.csv"
expect_eq cr_only "$(json_body "$WORK/e/report.json" | sha256sum)" "$(json_body "$J" | sha256sum)"
{ head -n 100 "$IN"; echo "9999,19,Male,Shirt,Clothing,lots,Ohio,M,Red,Fall,3.1,No,Cash,Express,No,No,3,Cash,Weekly"; } | tr -d '\r' | tr '\n' '\r' > "$WORK/mac_bad.csv"
"$BIN" -q -o "$WORK/f" --max-reject-rate 100% "$WORK/mac_bad.csv" 2> "$WORK/mac_bad.err"
expect_eq cr_only_line "$(grep -o 'mac_bad.csv:[0-9]*' "$WORK/mac_bad.err" | head -1)" "mac_bad.csv:101"

finish
