// The adversary of the nesting limit (sim/network/nesting_limit.hpp): drawn topology files that
// bury tens of thousands of nested braces or elements among the pieces on which the readers'
// lexers disagree (quotes, backslashes, HTML strings, comments, CDATA, declarations, NULs, a
// byte order mark).
// Each is read as a run reads it; a file that reaches a parser too deep ends this test in a
// stack overflow instead of an error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "sim/network/topology.hpp"

namespace clocksim::sim {
namespace {

const std::vector<std::string> kDotPieces = {
    "\"", "\\", "\\\"", "\\\\", "<", ">", "/*", "*/", "//", "#", "\n", "{", "}", " ", "a", "--", ";", "[", "]",
    "=", "'", "\r", "subgraph", "\"x\"", "<b>", "\\\n", std::string(1, '\0'), "/", "*", "</", "\"x>\"", "'y>'",
    "<![CDATA[", "]]>", "!", "?", "\f", "\n#", "/>", "<x/>", "\x85", "\v"};
const std::vector<std::string> kXmlPieces = {
    "<", ">", "/>", "</a>", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<!DOCTYPE ", "<!", "[", "]", "\"",
    "'", "=", " ", "a", "\n", "<a ", "<a/>", "&", "&lt;", "/", "-", "<graphml>", "<graph edgedefault=\"undirected\">",
    "<node id=\"n0\"/>", "<\"", "<a b='>'", std::string(1, '\0'), "<!-->", "<?>", "<?xml ", "<!DOCTYPE x [", "]>",
    "<!x>", "\t", "\r", "--", "?"};

std::string drawn_text(std::mt19937_64& rng, bool xml) {
  const std::vector<std::string>& pieces = xml ? kXmlPieces : kDotPieces;
  auto draw = [&rng](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  std::string text = xml && draw(5) == 0 ? "\xEF\xBB\xBF" : "";  // a byte order mark
  text += xml ? "<graphml><graph edgedefault=\"undirected\"><node id=\"n0\"/><node id=\"n1\"/>"
                         : "graph { n0 -- n1; ";
  for (std::size_t chunk = 0, chunks = 1 + draw(4); chunk < chunks; ++chunk) {
    for (std::size_t k = 0, n = draw(13); k < n; ++k) text += pieces[draw(pieces.size())];
    if (draw(10) < 7) {
      const std::size_t levels = 60000 + draw(40000);
      const bool closed = draw(2) == 0;
      for (std::size_t i = 0; i < levels; ++i) text += xml ? "<a>" : "{";
      for (std::size_t i = 0; closed && i < levels; ++i) text += xml ? "</a>" : "}";
    }
  }
  return text + (xml ? "</graph></graphml>" : " }");
}

TEST(TopologyFileNesting, DrawnFilesAreReadOrRefusedNeverOverflowAParser) {
  std::mt19937_64 rng(20261207);
  int refused = 0, read = 0;
  for (int i = 0; i < 240; ++i) {
    const bool xml = i % 2 == 1;
    const auto path = std::filesystem::path(::testing::TempDir()) / (xml ? "drawn.graphml" : "drawn.dot");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << drawn_text(rng, xml);
    try {
      read_topology_file(path.string(), 2, {});
      ++read;
    } catch (const TopologyError&) {
      ++refused;
    }
  }
  // Most drawn files leave some nesting in reach of a parser; a few hide it in a string or end
  // before it.
  EXPECT_GT(refused, 150);
  EXPECT_EQ(read + refused, 240);
}

}  // namespace
}  // namespace clocksim::sim
