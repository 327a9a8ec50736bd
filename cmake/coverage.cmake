# The `coverage` target of a build configured with -DENABLE_COVERAGE=ON, run
# as `cmake -DSRC=... -DBIN=... -DCTEST=... -DJOBS=n -DGCOVR=... -DLCOV=... -P coverage.cmake`:
# zeroes the counters, runs every test (ctest), then prints line and branch
# coverage of src/ per file and in total with gcovr (else lcov), and writes
# an HTML report. Fails when a test failed, after printing the figures.
file(GLOB_RECURSE old_counts ${BIN}/*.gcda)
if(old_counts)
  file(REMOVE ${old_counts})
endif()

execute_process(COMMAND ${CTEST} --test-dir ${BIN} --output-on-failure -j${JOBS}
                RESULT_VARIABLE tests_rc)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "coverage: '${ARGN}' failed (${rc})")
  endif()
endfunction()

if(GCOVR)
  # One gcov pass into JSON, then the two tables from it.
  run(${GCOVR} -r ${SRC} --filter ${SRC}/src/ -j ${JOBS} --json ${BIN}/coverage.json ${BIN})
  message("---- line coverage of src/ ----")
  run(${GCOVR} -r ${SRC} -a ${BIN}/coverage.json)
  message("---- branch coverage of src/ ----")
  run(${GCOVR} -r ${SRC} -a ${BIN}/coverage.json -b)
  file(MAKE_DIRECTORY ${BIN}/coverage)
  run(${GCOVR} -r ${SRC} -a ${BIN}/coverage.json --print-summary
      --html-details ${BIN}/coverage/index.html)
  message("coverage: HTML report in ${BIN}/coverage/index.html")
elseif(LCOV)
  set(rc --rc lcov_branch_coverage=1)
  run(${LCOV} -q ${rc} --capture --directory ${BIN} -o ${BIN}/coverage-all.info)
  run(${LCOV} -q ${rc} --extract ${BIN}/coverage-all.info "${SRC}/src/*" -o ${BIN}/coverage.info)
  run(${LCOV} ${rc} --list ${BIN}/coverage.info)
  run(${LCOV} ${rc} --summary ${BIN}/coverage.info)
else()
  message(FATAL_ERROR "coverage: neither gcovr nor lcov found (apt-get install gcovr)")
endif()

if(NOT tests_rc EQUAL 0)
  message(FATAL_ERROR "coverage: some tests failed; the figures above are from a failing run")
endif()
