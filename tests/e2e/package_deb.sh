# The Debian package: `cpack -G DEB` builds shopper-report_<version>_<arch>.deb
# with the installed files and the run-time dependencies declared; the
# program runs from an unpacked copy (no root needed); with SR_TEST_APT=1 as
# root (./run test sets it; CI is a throwaway machine) it is also installed
# with apt-get, run from /usr/bin, and removed again.
#   bash tests/e2e/package_deb.sh BUILD_DIR SOURCE_DIR
# ctest runs it (label "package") in builds without sanitizers or coverage.
BUILD=$1
. "$(dirname "$0")/lib.sh" "$BUILD/shopper-report" "$2"

version=$("$BIN" --version | cut -d' ' -f2)
arch=$(dpkg --print-architecture)
deb=$WORK/pkg/shopper-report_${version}_${arch}.deb
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg" > "$WORK/cpack.log" 2>&1 ||
    { cat "$WORK/cpack.log" >&2; fail "cpack failed"; }
expect_eq deb_file "$(ls "$WORK/pkg"/*.deb 2>/dev/null)" "$deb"
if [ ! -f "$deb" ]; then
    finish
    exit 1
fi

# Control fields: name, version, architecture, and every library the binary
# links (dpkg-shlibdeps) plus the fonts the PDF writer opens at run time.
field() { dpkg-deb -f "$deb" "$1"; }
expect_eq package "$(field Package)" shopper-report
expect_eq version "$(field Version)" "$version"
expect_eq architecture "$(field Architecture)" "$arch"
depends=$(field Depends)
for p in fonts-dejavu-core libc6 libcjson1 libcsv3 libhpdf-2.3.0 libinih1 libssl3 \
         libxlsxwriter4 zlib1g; do
    expect_eq "depends_$p" "$(echo "$depends" | tr ',' '\n' | grep -c "^ *$p\( \|$\)")" 1
done
dpkg-deb -I "$deb" > "$WORK/info.txt"
expect_eq info_description "$(grep -c 'Description: retail analytics reports' "$WORK/info.txt")" 1

# Contents: exactly these files (directories aside), owned by root.
dpkg-deb -c "$deb" > "$WORK/contents.txt"
expect_eq files "$(awk '$1 !~ /^d/ {print $6}' "$WORK/contents.txt" | sort | tr '\n' ' ')" \
    "./usr/bin/shopper-report ./usr/share/doc/shopper-report/LICENSE ./usr/share/doc/shopper-report/README.md ./usr/share/doc/shopper-report/report.ini ./usr/share/man/man1/shopper-report.1 "
expect_eq owners "$(awk '{print $2}' "$WORK/contents.txt" | sort -u)" root/root
expect_eq bin_mode "$(awk '$6 == "./usr/bin/shopper-report" {print $1}' "$WORK/contents.txt")" -rwxr-xr-x

# run_installed WHAT PROGRAM: --version, then a full run on the sample with
# the PDFs (they need the DejaVu fonts) and the example config.
run_installed() {
    local what=$1 prog=$2 docdir=$3
    expect_eq "${what}_version" "$("$prog" --version)" "shopper-report $version"
    local out=$WORK/out-$what
    mkdir -p "$out"
    local rc=0
    "$prog" -q -o "$out" -c "$docdir/report.ini" --as-of 2026-01-01 "$SRC/data/sample_customers.csv" || rc=$?
    expect_eq "${what}_run_rc" "$rc" 0
    expect_eq "${what}_pdf" "$(head -c 5 "$out/personas.pdf" 2>/dev/null)" "%PDF-"
    expect_eq "${what}_json" "$(json_get "$out/report.json" 'd["meta"]["version"]')" "$version"
}

# 1. Unpacked into a throwaway root.
dpkg-deb -x "$deb" "$WORK/root"
run_installed unpacked "$WORK/root/usr/bin/shopper-report" "$WORK/root/usr/share/doc/shopper-report"

# 2. Installed with apt-get, then removed (CI only: it changes the system).
if [ "${SR_TEST_APT:-0}" = 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        fail "SR_TEST_APT=1 needs root (apt-get install)"
    elif dpkg-query -W -f='${Status}' shopper-report 2>/dev/null | grep -q "install ok installed"; then
        fail "shopper-report is already installed on this machine; not replacing it"
    else
        apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }
        trap 'apt remove --purge shopper-report > /dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
        if apt install --no-install-recommends "$deb" > "$WORK/apt.log" 2>&1; then
            pass
            expect_eq apt_status "$(dpkg-query -W -f='${Status}' shopper-report)" "install ok installed"
            expect_eq apt_path "$(command -v shopper-report)" /usr/bin/shopper-report
            run_installed apt /usr/bin/shopper-report /usr/share/doc/shopper-report
            expect_eq apt_man "$(test -f /usr/share/man/man1/shopper-report.1 && echo yes)" yes
        else
            cat "$WORK/apt.log" >&2
            fail "apt-get install $deb"
        fi
        apt remove --purge shopper-report > "$WORK/apt.log" 2>&1 || cat "$WORK/apt.log" >&2
        expect_eq apt_removed "$(test -e /usr/bin/shopper-report || echo gone)" gone
        expect_eq apt_removed_status "$(dpkg-query -W -f='${Status}' shopper-report 2>/dev/null | grep -c 'install ok installed')" 0
    fi
else
    echo "note: apt-get install of the package not tried (SR_TEST_APT=1 as root does it)"
fi

finish
