# rule_eval_bench: the real Evaluator (AddTick + Evaluate) on 1,000 series x 100 rules, ns per
# rule x group for a 2-minute and a 24-hour timeframe, and the RSS (SPEC 15 "rule evaluation").
# bench/run.sh compares it with Prometheus evaluating the same rules (bench/prom_rules.py).
if(TARGET botmon_alert)
  add_executable(rule_eval_bench ${CMAKE_CURRENT_LIST_DIR}/rule_eval_bench.cc)
  target_link_libraries(rule_eval_bench PRIVATE botmon_alert benchmark::benchmark)
  botmon_warnings(rule_eval_bench)
endif()
