// codec::form_encode (src/codec/form.hpp): the one form encoder of redirects, introspection,
// the revocation feed and Basic credentials.
#include <gtest/gtest.h>

#include "codec/form.hpp"

namespace tessera::codec {
namespace {

TEST(CodecForm, UnreservedCharactersStayAndEverythingElseIsPercentEncoded) {
  EXPECT_EQ(form_encode("AZaz09-._~"), "AZaz09-._~");
  // A space is %20, never '+' (a '+' would decode as a space in a form and as '+' in a URL).
  EXPECT_EQ(form_encode("a b+c"), "a%20b%2Bc");
  EXPECT_EQ(form_encode("k=v&x:y/z?#%"), "k%3Dv%26x%3Ay%2Fz%3F%23%25");
  EXPECT_EQ(form_encode(std::string_view("\x00\xff\xc3\xa9", 4)), "%00%FF%C3%A9");
  EXPECT_EQ(form_encode(""), "");
}

}  // namespace
}  // namespace tessera::codec
