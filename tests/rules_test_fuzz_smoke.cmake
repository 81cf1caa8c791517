# Bounded smoke run of fuzz/rules_test_fuzz.cc (`botmon rules test` files and promtool's series
# notation) for `make test`: every seed of fuzz/corpus/rules_test/, then 20,000 mutations.
add_executable(rules_test_fuzz_smoke ${PROJECT_SOURCE_DIR}/fuzz/rules_test_fuzz.cc
                                     ${PROJECT_SOURCE_DIR}/fuzz/standalone_driver.cc)
botmon_warnings(rules_test_fuzz_smoke)
target_link_libraries(rules_test_fuzz_smoke PRIVATE botmon_alert)
add_test(NAME fuzz_smoke_rules_test
         COMMAND rules_test_fuzz_smoke ${PROJECT_SOURCE_DIR}/fuzz/corpus/rules_test 20000)
set_tests_properties(fuzz_smoke_rules_test PROPERTIES TIMEOUT 60)
