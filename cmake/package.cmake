# Debian package: `cpack -G DEB` in a build folder writes
# shopper-report_<version>_<arch>.deb holding what `cmake --install` installs
# (under /usr). Library dependencies come from dpkg-shlibdeps (dpkg-dev);
# the DejaVu fonts are a run-time dependency no linker sees: the PDF writer
# opens them from /usr/share/fonts/truetype/dejavu (src/report/pdf.h).
set(SR_PACKAGE_MAINTAINER "The shopper-report developers <maintainers@users.noreply.b-seed-ca50586d.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME shopper-report)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The shopper-report developers")
set(CPACK_PACKAGE_CONTACT ${SR_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "retail analytics reports from CSV exports")
set(CPACK_PACKAGE_DESCRIPTION
    "shopper-report reads retail CSV exports (customer rows or a transaction log),
runs every analysis stage (data quality, KPIs, RFM segments, k-means
clusters, association rules, sentiment, personas, loyalty and churn,
recommendations) and writes a self-contained HTML dashboard, an XLSX
workbook, PDF persona cards, a JSON results document, an email summary
and a customer table. Made to run from cron.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core") # shlibdeps' list is appended

include(CPack)
