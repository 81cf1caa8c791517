botmon_module(api
  SOURCES api/mask.cc api/query.cc api/nodes.cc api/metrics.cc api/status.cc api/history.cc
          api/sessions_api.cc api/events_api.cc api/live.cc api/routes.cc api/services_api.cc
          api/alerts_api.cc api/alert_config_api.cc
          api/backtest_api.cc api/audit.cc api/auth_api.cc api/admin_api.cc
  DEPS botmon_core botmon_config botmon_ingest botmon_series botmon_store botmon_auth
       botmon_http botmon_probe botmon_alerting)

botmon_test(api_test
  SOURCES api/mask_test.cc api/history_test.cc api/routes_auth_test.cc
  DEPS botmon_api)
