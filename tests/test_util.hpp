// Helpers shared by the tests: reading the official vectors from tests/vectors.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>

namespace tessera::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string vectors_dir() { return TESSERA_VECTORS_DIR; }

inline boost::json::object read_vector(const std::string& relative) {
  return boost::json::parse(read_file(vectors_dir() + "/" + relative)).as_object();
}

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace tessera::test
