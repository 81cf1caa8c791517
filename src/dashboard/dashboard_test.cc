#include "dashboard/dashboard.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <string>

namespace botmon {
namespace {

Router MakeRouter() {
  Router r([](const Request&) { return Principal{}; });
  AddDashboardRoutes(&r);
  return r;
}

Response Get(const Router& router, const std::string& target,
             std::vector<Header> headers = {{"accept-encoding", "gzip, deflate, br"}}) {
  Request req;
  EXPECT_TRUE(ParseTarget(target, &req).ok());
  req.headers = std::move(headers);
  Response out;
  router.Dispatch(req, Responder([&out](Response r) { out = std::move(r); }));
  return out;
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const Header& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

std::string ReadSource(const std::string& rel) {
  std::ifstream in(std::string(BOTMON_SOURCE_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Dashboard, RootServesIndexWithoutCredentials) {
  Router router = MakeRouter();
  Response r = Get(router, "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Gunzip(r.body), ReadSource("web/index.html"));
}

TEST(Dashboard, ContentTypesByExtension) {
  Router router = MakeRouter();
  EXPECT_EQ(Get(router, "/js/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router, "/app.css").content_type, "text/css; charset=utf-8");
  Response preact = Get(router, "/vendor/preact-11.2.0/preact.mjs");
  ASSERT_EQ(preact.status, 200);
  EXPECT_EQ(preact.content_type, "text/javascript; charset=utf-8");
  // Versioned vendor paths may be cached for long; app files are revalidated every time.
  EXPECT_EQ(HeaderOf(preact, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(Get(router, "/js/app.js"), "Cache-Control"), "no-cache");
}

TEST(Dashboard, IdentityWhenGzipNotAccepted) {
  Router router = MakeRouter();
  for (const std::string& ae : {std::string(), std::string("identity"), std::string("gzip;q=0"),
                                std::string("br, gzip;q=0.0")}) {
    std::vector<Header> h;
    if (!ae.empty()) h.push_back({"accept-encoding", ae});
    Response r = Get(router, "/js/app.js", h);
    ASSERT_EQ(r.status, 200) << ae;
    EXPECT_EQ(HeaderOf(r, "Content-Encoding"), "") << ae;
    EXPECT_EQ(r.body, ReadSource("web/js/app.js")) << ae;
  }
  Response q = Get(router, "/js/app.js", {{"accept-encoding", "GZIP;q=0.5"}});
  EXPECT_EQ(HeaderOf(q, "Content-Encoding"), "gzip");
}

TEST(Dashboard, EtagRevalidationAnswers304) {
  Router router = MakeRouter();
  Response first = Get(router, "/js/app.js");
  const std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Response again = Get(router, "/js/app.js",
                       {{"accept-encoding", "gzip"}, {"if-none-match", "\"x\", W/" + etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(HeaderOf(again, "ETag"), etag);
  // The identity representation has its own tag, so a gzip tag does not validate it.
  Response identity = Get(router, "/js/app.js", {{"if-none-match", etag}});
  EXPECT_EQ(identity.status, 200);
  EXPECT_NE(HeaderOf(identity, "ETag"), etag);
  EXPECT_EQ(Get(router, "/js/app.js", {{"if-none-match", "\"other\""}}).status, 200);
}

TEST(Dashboard, UnknownPathsAre404) {
  Router router = MakeRouter();
  EXPECT_EQ(Get(router, "/nope.js").status, 404);
  EXPECT_EQ(Get(router, "/js/").status, 404);
  // npm's files and the vendoring script are not embedded.
  EXPECT_EQ(Get(router, "/package.json").status, 404);
  EXPECT_EQ(Get(router, "/vendor.sh").status, 404);
  EXPECT_EQ(Get(router, "/README.md").status, 404);
}

TEST(Dashboard, CspCarriesTheHashOfTheExactImportMap) {
  const std::string html = ReadSource("web/index.html");
  const std::string open = "<script type=\"importmap\">";
  const size_t start = html.find(open);
  ASSERT_NE(start, std::string::npos);
  const size_t end = html.find("</script>", start);
  const std::string map = html.substr(start + open.size(), end - start - open.size());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(map.data()), map.size(), digest);
  unsigned char b64[64] = {};
  EVP_EncodeBlock(b64, digest, sizeof(digest));
  const std::string expected =
      "script-src 'self' 'sha256-" + std::string(reinterpret_cast<char*>(b64)) + "';";

  Response r = Get(MakeRouter(), "/");
  const std::string csp = HeaderOf(r, "Content-Security-Policy");
  EXPECT_NE(csp.find(expected), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  // No other inline script: every other <script> has a src.
  size_t pos = 0, inline_scripts = 0;
  while ((pos = html.find("<script", pos)) != std::string::npos) {
    const size_t close = html.find('>', pos);
    if (html.substr(pos, close - pos).find(" src=") == std::string::npos) ++inline_scripts;
    pos = close;
  }
  EXPECT_EQ(inline_scripts, 1u);
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find("style="), std::string::npos);
}

TEST(Dashboard, ImportMapHashSourceWithoutAMap) {
  EXPECT_EQ(ImportMapHashSource("<html><script src=/a.js></script></html>"), "");
  EXPECT_EQ(ImportMapHashSource("<script type=\"importmap\">{}"), "");
}

}  // namespace
}  // namespace botmon
