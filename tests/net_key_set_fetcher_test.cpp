// The HTTPS KeySetFetcher (tessera/https_key_set_fetcher.hpp) against a real TLS server on
// loopback: an in-process Asio SSL server whose CA and certificate (for DNS:localhost) the
// openssl CLI makes in a temporary directory, plus a second, untrusted CA.
#include "tessera/https_key_set_fetcher.hpp"
#include "tessera/remote_key_set.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace tessera::test {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string kJwks = R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})";

void run(const std::string& cmd) { ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd; }

// The canned answers, by path.
http::response<http::string_body> answer(const std::string& target) {
  http::response<http::string_body> res(http::status::ok, 11);
  res.set(http::field::content_type, "application/json");
  res.body() = kJwks;
  if (target == "/jwks") {
    res.set(http::field::cache_control, "public, max-age=120");
  } else if (target == "/jwk-set?v=2") {
    res.set(http::field::content_type, "application/jwk-set+json; charset=utf-8");
  } else if (target == "/missing") {
    res.result(http::status::not_found);
  } else if (target == "/moved") {
    res.result(http::status::found);
    res.set(http::field::location, "/jwks");
  } else if (target == "/big") {
    res.body() = std::string(kMaxRemoteKeySetBytes + 1, ' ');
  } else if (target == "/html") {
    res.set(http::field::content_type, "text/html");
  }
  res.prepare_payload();
  return res;
}

class NetKeySetFetcher : public ::testing::Test {
 protected:
  static inline std::string dir_;

  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/tessera-jwks-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const std::string d = dir_ + "/";
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    run("openssl req -x509" + ec + " -keyout " + d + "ca.key -out " + d + "ca.pem -days 2 -subj /CN=Test-CA");
    run("openssl req -x509" + ec + " -keyout " + d + "ca2.key -out " + d + "ca2.pem -days 2 -subj /CN=Other-CA");
    run("openssl req" + ec + " -keyout " + d + "srv.key -out " + d + "srv.csr -subj /CN=localhost");
    std::ofstream(d + "ext.cnf") << "subjectAltName=DNS:localhost\n";
    run("openssl x509 -req -in " + d + "srv.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
        d + "srv.pem -days 2 -extfile " + d + "ext.cnf");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  void SetUp() override {
    server_ctx_.use_certificate_chain_file(dir_ + "/srv.pem");
    server_ctx_.use_private_key_file(dir_ + "/srv.key", asio::ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = std::to_string(acceptor_.local_endpoint().port());
    // Connections queue here but are never accepted: a handshake that never answers.
    silent_.open(tcp::v4());
    silent_.bind({asio::ip::make_address("127.0.0.1"), 0});
    silent_.listen();
    silent_port_ = std::to_string(silent_.local_endpoint().port());
    server_ = std::thread([this] { serve(); });
  }
  void TearDown() override {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes accept()
    server_.join();
  }

  // One connection at a time: the fetcher is synchronous, so that is all the tests need.
  void serve() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket sock(ioc_);
      acceptor_.accept(sock, ec);
      if (ec || stop_) return;
      asio::ssl::stream<tcp::socket> tls(std::move(sock), server_ctx_);
      tls.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(tls, buf, req, ec);
      if (ec) continue;
      http::write(tls, answer(std::string(req.target())), ec);
      tls.shutdown(ec);
    }
  }

  std::unique_ptr<HttpsKeySetFetcher> fetcher(std::string ca = "ca.pem") {
    auto f = HttpsKeySetFetcher::create(dir_ + "/" + ca, std::chrono::milliseconds(1000));
    EXPECT_TRUE(f) << (f ? "" : f.error().message);
    return f ? std::move(*f) : nullptr;
  }
  std::string url(std::string path, std::string host = "localhost") { return "https://" + host + ":" + port_ + path; }
  static void expect_refused(const Result<FetchedKeySet>& r, std::string_view why, Errc code = Errc::io_error) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }

  asio::io_context ioc_;
  asio::ssl::context server_ctx_{asio::ssl::context::tls_server};
  tcp::acceptor acceptor_{ioc_};
  tcp::acceptor silent_{ioc_};
  std::string port_, silent_port_;
  std::atomic<bool> stop_{false};
  std::thread server_;
};


TEST_F(NetKeySetFetcher, FetchesFromATrustedServerAndReadsMaxAge) {
  auto f = fetcher();
  auto r = f->fetch(url("/jwks"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, kJwks);
  EXPECT_EQ(r->max_age, 120);
  auto other = f->fetch(url("/jwk-set?v=2"));  // jwk-set+json with parameters; a query kept
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->max_age, std::nullopt);
}

TEST_F(NetKeySetFetcher, AnUntrustedCaIsRefused) {
  expect_refused(fetcher("ca2.pem")->fetch(url("/jwks")), "TLS handshake");
}

TEST_F(NetKeySetFetcher, AWrongHostNameIsRefused) {
  // The certificate names localhost only.
  expect_refused(fetcher()->fetch(url("/jwks", "127.0.0.1")), "TLS handshake");
}

TEST_F(NetKeySetFetcher, OnlyHttpsUrlsAreFetched) {
  auto f = fetcher();
  expect_refused(f->fetch("http://localhost:" + port_ + "/jwks"), "not https", Errc::invalid_argument);
  expect_refused(f->fetch("https://user:pw@localhost:" + port_ + "/jwks"), "userinfo", Errc::invalid_argument);
  expect_refused(f->fetch("not a url"), "absolute", Errc::invalid_argument);
}

TEST_F(NetKeySetFetcher, OnlyStatus200IsAcceptedAndRedirectsAreNotFollowed) {
  auto f = fetcher();
  expect_refused(f->fetch(url("/missing")), "status 404");
  expect_refused(f->fetch(url("/moved")), "status 302");
}

TEST_F(NetKeySetFetcher, AnOversizedBodyIsRefused) { expect_refused(fetcher()->fetch(url("/big")), "body over"); }

TEST_F(NetKeySetFetcher, ABodyThatIsNotJsonIsRefused) { expect_refused(fetcher()->fetch(url("/html")), "Content-Type"); }

TEST_F(NetKeySetFetcher, AServerThatNeverAnswersTimesOut) {
  auto r = fetcher()->fetch("https://localhost:" + silent_port_ + "/jwks");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io_error) << r.error().message;
}

TEST_F(NetKeySetFetcher, AnUnreadableCaFileIsAnError) {
  auto f = HttpsKeySetFetcher::create(dir_ + "/no-such.pem");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::invalid_argument);
}

// A resource server's RemoteKeySet (tessera/remote_key_set.hpp) over this HTTPS server: keys
// with the trusted CA, store_unavailable when the certificate is not trusted.
TEST_F(NetKeySetFetcher, ARemoteKeySetTrustsOnlyItsCas) {
  auto trusted = RemoteKeySet::create({.jwks_uri = url("/jwks"), .ca_file = dir_ + "/ca.pem"});
  ASSERT_TRUE(trusted) << trusted.error().message;
  auto keys = (*trusted)->keys_for("k");
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_NE(keys->find("k"), nullptr);
  for (const char* ca : {"/ca2.pem", ""}) {  // another CA; the system's only
    auto untrusted = RemoteKeySet::create({.jwks_uri = url("/jwks"), .ca_file = ca[0] ? dir_ + ca : ""});
    ASSERT_TRUE(untrusted) << untrusted.error().message;
    auto none = (*untrusted)->keys_for("k");
    ASSERT_FALSE(none) << ca;
    EXPECT_EQ(none.error().code, Errc::store_unavailable);
    EXPECT_NE(none.error().message.find("TLS handshake"), std::string::npos) << none.error().message;
  }
}

}  // namespace
}  // namespace tessera::test
