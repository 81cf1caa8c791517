#include "demo/demo_scripts.h"

#include <array>

namespace botmon {
namespace {

// Placeholders: {name} {email} {order} {zip} {city} {address} {date} {tracking} {ship}
// {express} {amount} {items} {ticket} {invoice} {channel}.

// The seed's dialogue (General Bots, "View Session Details"), continued to a natural end.
constexpr DemoTurn kOrderStatus[] = {
    {"Hello", "Hello! How can I help you today?", "", false, false},
    {"I want to check my order status", "I can help with that! What's your order number?", "", true,
     false},
    {"{order}",
     "Order {order} is being prepared for shipping. It should leave our warehouse tomorrow.",
     "GET /api/orders/:id", false, false},
    {"When will it arrive?",
     "Delivery to {city} usually takes 2-3 business days after dispatch, so expect it by {date}.",
     "GET /api/shipping/estimate", true, false},
    {"Can I get the tracking number?",
     "Sure! Your tracking code will be {tracking}. We'll send it {channel} as soon as the "
     "parcel ships.",
     "GET /api/orders/:id/tracking", false, false},
    {"Great, thanks!", "You're welcome! Anything else I can help you with?", "", false, false},
};

constexpr DemoTurn kOpeningHours[] = {
    {"Hi", "Hi there! How can I help?", "", false, false},
    {"What are your opening hours?",
     "Our stores are open Monday to Saturday, 9am to 8pm, and Sunday 10am to 4pm.",
     "GET /api/stores/hours", false, false},
    {"Are you open on public holidays?",
     "On public holidays we open from 10am to 2pm. Which store are you planning to visit?", "",
     true, false},
    {"The one in {city}", "The {city} store at {address} keeps the same hours. See you there!",
     "GET /api/stores/:id", false, false},
    {"Thanks", "You're welcome, {name}! Have a nice day.", "", false, false},
};

constexpr DemoTurn kShippingCost[] = {
    {"How much is shipping?", "Shipping depends on where you live. What's your postal code?", "",
     true, false},
    {"{zip}",
     "Standard shipping to {zip} costs ${ship} and takes 3-5 business days. Express is "
     "${express} (1-2 days).",
     "GET /api/shipping/quote", false, false},
    {"Is there free shipping?", "Yes! Orders over $99 ship for free with standard delivery.", "",
     true, false},
    {"OK, I'll add a few more items then",
     "Great choice! Your cart updates the shipping cost automatically.", "GET /api/cart", false,
     false},
    {"Thanks!", "Anytime! Happy shopping.", "", false, false},
};

constexpr DemoTurn kRefundRequest[] = {
    {"I want a refund", "I'm sorry to hear that. Could you tell me your order number?", "", true,
     false},
    {"{order}", "Thanks. I found order {order} with {items} item(s), paid on {date}.",
     "GET /api/orders/:id", false, false},
    {"The product arrived damaged",
     "I'm so sorry about that! Could you send me a photo of the damage?", "", true, false},
    {"[photo] IMG_2041.jpg", "Thank you. Damaged items qualify for a full refund of ${amount}.",
     "POST /api/refunds/eligibility", true, false},
    {"How long does the refund take?",
     "Refunds reach your original payment method within 5-7 business days.", "", false, false},
    {"Can I talk to a person?",
     "Of course. I'm transferring you to one of our agents now; they'll reply here shortly.",
     "POST /api/handoff", false, true},
};

constexpr DemoTurn kChangeAddress[] = {
    {"Hi, I need to change my delivery address", "Sure! What's the order number?", "", true, false},
    {"{order}", "Got it. Order {order} hasn't shipped yet, so we can still change it.",
     "GET /api/orders/:id", false, false},
    {"The new address is {address}, {city}",
     "Thanks! Just to confirm: {address}, {city}, postal code {zip}?", "GET /api/geo/validate",
     true, false},
    {"Yes, that's right", "Done! The delivery address of {order} is now {address}, {city}.",
     "PATCH /api/orders/:id", false, false},
    {"Will it delay the delivery?", "No, the estimated delivery date is still {date}.",
     "GET /api/shipping/estimate", false, false},
    {"Perfect, thank you", "My pleasure, {name}!", "", false, false},
};

constexpr DemoTurn kPasswordReset[] = {
    {"Hi, I forgot my password",
     "No problem! I can send you a reset link. What's the e-mail on your account?", "", true,
     false},
    {"{email}", "Thanks! I've sent a reset link to {email}. It's valid for 30 minutes.",
     "POST /api/auth/reset", false, false},
    {"I didn't get the email",
     "It can take a couple of minutes. Please also check your spam folder.", "", true, false},
    {"Found it, but the link says it expired", "Sorry about that! I've just sent you a fresh link.",
     "POST /api/auth/reset", false, false},
    {"It worked, I'm in",
     "Great! For extra security, I recommend enabling two-factor authentication in Settings.", "",
     true, false},
    {"Thanks", "Happy to help, {name}. Have a great day!", "", false, false},
};

constexpr DemoTurn kAccountLocked[] = {
    {"My account is locked", "I can help you unlock it. Can you confirm the e-mail on the account?",
     "", true, false},
    {"{email}", "Thanks, {name}. I see 5 failed login attempts on your account today.",
     "GET /api/accounts/:id", false, false},
    {"That wasn't me!",
     "Understood. I've kept the account locked to be safe and signed out every session.",
     "POST /api/accounts/:id/lock", true, false},
    {"What do I do now?",
     "Use the reset link I just sent to {email}, then turn on two-factor authentication.",
     "POST /api/auth/reset", false, false},
    {"Done, thank you", "You're all set. Stay safe!", "", false, false},
};

constexpr DemoTurn kVpnIssue[] = {
    {"The VPN won't connect", "Sorry about that. Which operating system are you using?", "", true,
     false},
    {"Windows 11", "Thanks. Which error message do you see?", "", false, false},
    {"Error 809",
     "Error 809 usually means a firewall blocks the connection. Are you on a public Wi-Fi "
     "network?",
     "GET /api/kb/search", true, false},
    {"Yes, at a hotel",
     "Hotels often block VPN ports. Try switching the protocol to SSL in the VPN client.", "", true,
     false},
    {"Where is that setting?", "Open the VPN client, then Settings > Connection > Protocol > SSL.",
     "", false, false},
    {"It connected!", "Great! I've noted this on ticket {ticket} in case it happens again.",
     "POST /api/tickets", false, false},
    {"Thanks a lot", "You're welcome! Safe travels.", "", false, false},
};

constexpr DemoTurn kBilling[] = {
    {"Why was I charged twice this month?",
     "Let me check your invoices. What's the e-mail on your account?", "", true, false},
    {"{email}", "I see two charges of ${amount}: invoice {invoice} and a pending authorization.",
     "GET /api/billing/invoices", false, false},
    {"So will I be charged twice?",
     "No. The pending authorization is released automatically within 3 business days.", "", true,
     false},
    {"Can you send me the invoice?", "Sure, I've sent invoice {invoice} to {email}.",
     "POST /api/billing/invoices/:id/send", false, false},
    {"Thank you", "You're welcome, {name}!", "", false, false},
};

constexpr DemoScript kScripts[] = {
    {"order_status", kDemoBotShop, 4.0, kOrderStatus},
    {"opening_hours", kDemoBotShop, 2.0, kOpeningHours},
    {"shipping_cost", kDemoBotShop, 2.0, kShippingCost},
    {"refund_request", kDemoBotShop, 1.5, kRefundRequest},
    {"change_address", kDemoBotShop, 1.0, kChangeAddress},
    {"password_reset", kDemoBotSupport, 3.0, kPasswordReset},
    {"account_locked", kDemoBotSupport, 2.0, kAccountLocked},
    {"vpn_issue", kDemoBotSupport, 1.5, kVpnIssue},
    {"billing_question", kDemoBotSupport, 1.5, kBilling},
};

constexpr std::string_view kOffScript[] = {
    "asdfgh",
    "can I pay with bitcoin?",
    "what's the meaning of life",
    "hmm",
    "do you sell gift cards in Portugal?",
    "¿hablas español?",
    "👍👍",
    "my cat walked on the keyboard",
};

constexpr std::string_view kPositive[] = {
    "Quick and helpful!", "Solved my problem, thanks", "Great service",
    "Very easy",          "Muito obrigado! 🙏",         "",
};
constexpr std::string_view kNegative[] = {
    "Took too long to answer",
    "Didn't understand my question",
    "I wanted to talk to a person",
    "The link didn't work",
    "",
};

constexpr std::string_view kWarnings[] = {
    "CRM responded slowly (2.4 s)",          "WhatsApp API rate limit at 80%",
    "Retrying webhook delivery (attempt 2)", "Session store latency above 200 ms",
    "Knowledge base index is 2 hours old",   "Telegram long-poll reconnected",
};

constexpr std::string_view kFirstNames[] = {
    "john",   "jane",     "maria",  "joao",   "ana",    "pedro",   "lucas",   "sofia",
    "carlos", "beatriz",  "rafael", "julia",  "miguel", "laura",   "gabriel", "mariana",
    "paulo",  "fernanda", "diego",  "camila", "bruno",  "larissa", "thiago",  "amanda",
};
constexpr std::string_view kLastNames[] = {
    "silva", "santos", "oliveira", "souza",   "lima",    "pereira",  "costa",
    "smith", "jones",  "ferreira", "almeida", "ribeiro", "carvalho", "gomes",
};
constexpr std::string_view kDomains[] = {
    "acme.com", "gmail.com", "outlook.com", "globex.com", "initech.com", "yahoo.com.br",
};
constexpr std::string_view kCities[] = {
    "São Paulo",    "Rio de Janeiro", "Belo Horizonte", "Curitiba",
    "Porto Alegre", "Brasília",       "Salvador",       "Recife",
};
constexpr std::string_view kStreets[] = {
    "Av. Paulista 1578",     "Rua Augusta 900", "Rua Oscar Freire 215", "Av. Atlântica 1702",
    "Rua XV de Novembro 40", "Av. Brasil 1200", "Rua das Flores 77",
};

}  // namespace

std::span<const DemoScript> DemoScripts() { return kScripts; }
std::span<const std::string_view> DemoOffScriptMessages() { return kOffScript; }

std::string_view DemoFallbackReply(std::string_view bot) {
  if (bot == kDemoBotSupport) {
    return "Sorry, I didn't quite get that. I can help with passwords, accounts, VPN and "
           "billing.";
  }
  return "Sorry, I didn't quite get that. You can ask me about orders, shipping, refunds or "
         "store hours.";
}

std::string_view DemoErrorReply() {
  return "Sorry, I'm having trouble reaching our systems right now. Please try again in a few "
         "minutes.";
}

std::span<const std::string_view> DemoPositiveComments() { return kPositive; }
std::span<const std::string_view> DemoNegativeComments() { return kNegative; }
std::span<const std::string_view> DemoWarnings() { return kWarnings; }
std::span<const std::string_view> DemoFirstNames() { return kFirstNames; }
std::span<const std::string_view> DemoLastNames() { return kLastNames; }
std::span<const std::string_view> DemoEmailDomains() { return kDomains; }
std::span<const std::string_view> DemoCities() { return kCities; }
std::span<const std::string_view> DemoStreets() { return kStreets; }

}  // namespace botmon
