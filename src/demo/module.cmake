# The demo bot (SPEC 2, "Demo"): a pure event generator and a thread that sends its events to a
# botmon server through the public ingest client (include/botmon/client.hpp).
botmon_module(demo
  SOURCES demo/demo_scripts.cc demo/demo_scenario.cc demo/demo_generator.cc demo/demo_bot.cc
  DEPS botmon_core CURL::libcurl Threads::Threads)

botmon_test(demo_test
  SOURCES demo/client_test.cc demo/test_receiver.cc demo/demo_generator_test.cc
          demo/demo_anomaly_test.cc demo/demo_bot_test.cc
  DEPS botmon_demo nlohmann_json::nlohmann_json)
