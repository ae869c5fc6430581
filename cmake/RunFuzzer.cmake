# SPDX-License-Identifier: MIT
# Runs one libFuzzer binary for SECONDS over a scratch copy of its seed corpus; a crash, leak or sanitizer
# report fails the test and leaves the reproducer in WORK/artifacts/.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
if(EXISTS ${SEEDS})
  file(GLOB seed_files ${SEEDS}/*)
  if(seed_files)
    file(COPY ${seed_files} DESTINATION ${WORK}/corpus)
  endif()
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); reproducer in ${WORK}/artifacts/")
endif()
