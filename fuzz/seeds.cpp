// Writes the seed corpora of the libFuzzer targets (scripts/fuzz.sh runs it before them).
// usage: tessera_fuzz_seeds DIR    -> DIR/tokens/, DIR/cookie/, DIR/oauth/, DIR/body_json/, DIR/body_form/, DIR/oauth_request/
// The token seeds are valid JWTs, JWKs, PEM, a JWKS, PASETO tokens and PASERKs made with fresh
// keys (the parsers get past the syntax; signatures fail against the target's own keys).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/jwt.hpp"
#include "tessera/paserk.hpp"
#include "tessera/paseto_claims.hpp"

namespace {

std::vector<std::string> token_seeds() {
  using namespace tessera;
  std::vector<std::string> seeds;
  auto hs = Key::generate(KeySpec::hs256, "hs").value();
  auto ec = Key::generate(KeySpec::p256, "ec").value();
  seeds.push_back(JwtBuilder().issuer("i").audience("a").expires_in(300).sign(hs).value());
  seeds.push_back(JwtBuilder().subject("s").claim("x", boost::json::array{1, "2", nullptr}).expires_in(300).sign(ec).value());
  seeds.push_back(hs.to_jwk_json(true).value());
  seeds.push_back(ec.public_key().value().to_jwk_json().value());
  seeds.push_back(ec.to_pem(true).value());
  seeds.push_back(R"({"keys":[)" + ec.public_key().value().to_jwk_json().value() + "]}");
  auto local = paseto::LocalKey::generate(paseto::Version::v4).value();
  seeds.push_back(PasetoBuilder().issuer("i").footer_kid("k").expires_in(300).encrypt(local).value());
  auto sk = paseto::SecretKey::generate(paseto::Version::v4).value();
  seeds.push_back(PasetoBuilder().subject("s").expires_in(300).sign(sk).value());
  seeds.push_back(paserk::to_paserk(local).value());
  seeds.push_back(paserk::wrap_local(local, local).value());
  seeds.push_back(R"({"a":[{"b":{"c":[1,2.5e3,-0,true,false,null,"\u00e9\ud83d\ude00"]}}]})");
  return seeds;
}

void write(const std::filesystem::path& dir, const std::vector<std::string>& seeds) {
  std::filesystem::create_directories(dir);
  int i = 0;
  for (const auto& s : seeds) std::ofstream(dir / ("seed" + std::to_string(i++)), std::ios::binary) << s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tessera_fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  write(dir / "tokens", token_seeds());
  write(dir / "cookie", {"tessera_session=abc123; tessera_device=x.y.z", "a=1;b=\"2\" ; ; c=", "__Host-s=v%20w; k=\"\""});
  // oauth: the first byte picks the parser (fuzz/oauth_fuzz.cpp).
  const std::string a = std::string(1, '\0') +
                        "response_type=code&client_id=c&redirect_uri=https://app.example/cb&scope=openid profile"
                        "&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                        "&resource=https://api.example&prompt=none";
  auto ec = tessera::Key::generate(tessera::KeySpec::p256, "k1").value();
  write(dir / "oauth", {a, std::string(1, '\1') + "openid profile read:x",
                        std::string(1, '\2') + "http://127.0.0.1/cb\nhttp://127.0.0.1:8080/cb",
                        std::string(1, '\3') + "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                        std::string(1, '\4') + R"({"redirect_uris":["https://a/cb"],"public_client":false,"first_party":false,)"
                            R"("grants":["authorization_code"],"scopes":["openid"],"audiences":[],"resources":[],)"
                            R"("token_format":"jwt","access_ttl":600,"refresh_idle_ttl":10,"refresh_absolute_ttl":20,)"
                            R"("refresh_reuse_grace":0,"id_token_alg":"ES256","jwks":"","jwks_uri":""})",
                        std::string(1, '\5') + tessera::JwtBuilder().issuer("svc").subject("svc")
                            .audience("https://as.example/oauth2/token").jwt_id("j").issued_at(1'700'000'000)
                            .expires_at(1'700'000'060).sign(ec).value()});
  write(dir / "body_json", {R"({"username":"alice","password":"correct horse"})",
                            R"({"username":"a\u00e9","password":"p","extra":[1,{"x":null}]})", R"({"username":1})"});
  write(dir / "body_form", {"username=alice&password=correct+horse", "username=%61l%69ce&password=p%26q&x=1",
                            "username&password="});
  write(dir / "oauth_request", {"grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fa.example%2Fcb&code_verifier=v",
                                "bXkrY2xpZW50OnMzY3IlMkJ0JTJGJTNE", "YTpiOmM=", "abc.DEF-_~+/==", "scope=a+b&scope=c&&x"});
  return 0;
}
