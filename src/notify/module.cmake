# Notification channels and transports (SPEC 7.5): channel parsing, message rendering, and one
# synchronous send per channel over libcurl (SMTP, Slack, SMS, signed webhooks). Delivery
# workers, the outbox, retries and routing live elsewhere and call in here.
botmon_module(notify
  SOURCES notify/channel.cc notify/message.cc notify/message_email.cc notify/signature.cc
          notify/sender.cc notify/email_sender.cc notify/http_senders.cc
  DEPS botmon_core botmon_config botmon_alert CURL::libcurl OpenSSL::Crypto
       nlohmann_json::nlohmann_json)

botmon_test(notify_test
  SOURCES notify/channel_test.cc notify/message_test.cc notify/signature_test.cc
          notify/email_sender_test.cc notify/http_senders_test.cc
  DEPS botmon_notify botmon_http botmon_test_support
  TIMEOUT 300)
