#include "config/yaml_tree.hpp"

#include <gtest/gtest.h>

#include "config/error.hpp"

namespace clocksim::config::yaml {
namespace {

// Parses `text` and expects it refused at line:column with `word` in the message (and, given
// `key`, at that key).
void expect_refused_at(const std::string& text, int line, int column, const std::string& word,
                       const char* key = nullptr) {
  try {
    parse_document(text, "f");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), line) << text;
    EXPECT_EQ(e.column(), column) << text;
    if (key != nullptr) {
      EXPECT_EQ(e.key_path(), key) << text;
    }
    EXPECT_NE(e.message().find(word), std::string::npos) << e.message();
  }
}

TEST(YamlTree, PositionsAreOneBasedAndKeysKeepOrder) {
  const Node root = parse_document("b: 1\na:\n  - x\n  - 'y'\n", "f.yaml");
  ASSERT_TRUE(root.is_map());
  ASSERT_EQ(root.entries.size(), 2u);
  EXPECT_EQ(root.entries[0].key, "b");
  EXPECT_EQ(root.entries[1].key, "a");
  EXPECT_EQ(root.entries[1].key_pos.line, 2);
  EXPECT_EQ(root.entries[1].key_pos.column, 1);
  const Node& list = root.entries[1].value;
  ASSERT_TRUE(list.is_sequence());
  EXPECT_EQ(list.items[1].pos.line, 4);
  EXPECT_EQ(list.items[1].pos.column, 5);
  EXPECT_TRUE(list.items[0].plain);
  EXPECT_FALSE(list.items[1].plain);  // quoted
  EXPECT_EQ(*root.entries[0].value.pos.source, "f.yaml");
}

TEST(YamlTree, NullsAndEmptyDocument) {
  EXPECT_TRUE(parse_document("", "f").is_null());
  EXPECT_TRUE(parse_document("# only a comment\n", "f").is_null());
  const Node root = parse_document("a:\nb: ~\nc: null\n", "f");
  for (const auto& e : root.entries) EXPECT_TRUE(e.value.is_null()) << e.key;
}

TEST(YamlTree, DuplicateKeysAreRejectedEvenWhenNested) {
  try {
    parse_document("a:\n  x: 1\n  y: 2\n  x: 3\n", "f");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 3);
    EXPECT_EQ(e.key_path(), "a.x");
    EXPECT_NE(e.message().find("first written at line 2, column 3"), std::string::npos);
  }
}

TEST(YamlTree, ComplexKeysAreRejected) {
  EXPECT_THROW(parse_document("? [a, b]\n: 1\n", "f"), ConfigError);
  EXPECT_THROW(parse_document("{[a]: 1}\n", "f"), ConfigError);
}

TEST(YamlTree, AliasesAreCopiedWithinTheBudget) {
  const Node root = parse_document("a: &x {k: 1}\nb: *x\n", "f");
  ASSERT_TRUE(root.find("b")->is_map());
  EXPECT_EQ(root.find("b")->find("k")->text, "1");
}

TEST(YamlTree, AliasBombStopsAtTheNodeBudgetQuickly) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  const char* names = "abcdefghijklmnopqrstuvwxyz";
  for (int level = 1; level < 20; ++level) {
    bomb += std::string(1, names[level]) + ": &" + names[level] + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", *" : "*") + names[level - 1];
    bomb += "]\n";
  }
  Limits limits;
  limits.max_nodes = 50'000;
  limits.max_alias_nodes = 1'000'000;  // the total budget trips first here
  try {
    parse_document(bomb, "bomb.yaml", limits);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(e.message().find("more than 50000 YAML nodes"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 5);  // level e (line 5) expands to 10^5 nodes
  }
}

TEST(YamlTree, SizeAndDepthLimits) {
  Limits limits;
  limits.max_bytes = 10;
  EXPECT_THROW(parse_document("a: 12345678901\n", "f", limits), ConfigError);
  limits = Limits{};
  limits.max_depth = 3;
  EXPECT_NO_THROW(parse_document("a: [[1]]\n", "f", limits));
  EXPECT_THROW(parse_document("a: [[[1]]]\n", "f", limits), ConfigError);
}

TEST(YamlTree, TabsInIndentationAreReportedWhereTheyAre) {
  try {
    parse_document("a:\n  b: 1\n \tc: 2\n", "f");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 2);
  }
  EXPECT_NO_THROW(parse_document("a: \"x\ty\"\n", "f"));  // a tab inside a value is fine
}

// Names and descriptions end up in JSON and HTML: text that is not UTF-8 is refused where it is.
TEST(YamlTree, BytesThatAreNotUtf8AreRefusedWhereTheyAre) {
  struct Case {
    std::string text;
    int line, column;
  };
  const std::vector<Case> bad = {
      {"name: caf\xE9\n", 1, 10},                  // Latin-1
      {"a: 1\nname: \xC3\xA9t\xC3\n", 2, 9},    // a truncated sequence after a good one
      {"a: \xC0\xAF\n", 1, 4},                    // overlong '/'
      {"a: \xED\xA0\x80\n", 1, 4},                // a surrogate
      {"a: \xF4\x90\x80\x80\n", 1, 4},           // above U+10FFFF
      {"a: \x80\n", 1, 4},                         // a lone continuation byte
      {"a: x\xE2\x82", 1, 5},                      // cut at the end of the file
  };
  for (const Case& c : bad) expect_refused_at(c.text, c.line, c.column, "not UTF-8");
  const Node ok = parse_document("name: \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x95\x90\n", "f");
  EXPECT_EQ(ok.find("name")->text, "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x95\x90");
}

// A NUL would cut a path, user or host name short where it reaches the operating system
// ("x\0y.state" opens "x"): refused where it is written, naming the key.
TEST(YamlTree, ANulCharacterIsRefusedWhereItIs) {
  struct Case {
    std::string text;
    int line, column;
    const char* key;
  };
  const std::vector<Case> bad = {
      {"a: 1\nstate_file: \"x\\0y.state\"\n", 2, 13, "state_file"},
      {"user: \"nobody\\x00root\"\n", 1, 7, "user"},
      {"a:\n  - b\n  - \"c\\0d\"\n", 3, 5, "a.1"},
      {"\"k\\0ey\": 1\n", 1, 1, ""},
  };
  for (const Case& c : bad) expect_refused_at(c.text, c.line, c.column, "NUL", c.key);
}

// Raw control bytes are outside YAML's printable set: refused where they are, with their code point,
// before the parser reads a NUL as an unknown escape or a name carries an ESC into an HTML report.
TEST(YamlTree, RawControlCharactersAreRefusedWhereTheyAre) {
  struct Case {
    std::string text;
    int line, column;
    const char* code;
  };
  const std::vector<Case> bad = {
      {std::string("name: x\0y\n", 10), 1, 8, "U+0000"},
      {"a: 1\nname: \x1B[31mred\n", 2, 7, "U+001B"},
      {"a: \x7F\n", 1, 4, "U+007F"},
      {"a: b\x0C\n", 1, 5, "U+000C"},
      {"a: \xC2\x9B\n", 1, 4, "U+009B"},  // C1 CSI, written in UTF-8
  };
  for (const Case& c : bad) expect_refused_at(c.text, c.line, c.column, std::string("control character ") + c.code);
  // What YAML does allow: tab, CR LF line ends, and control characters as escapes.
  EXPECT_EQ(parse_document("a: \"x\ty\"\r\nb: 2\r\n", "f").find("b")->text, "2");
  EXPECT_EQ(parse_document("a: \"\\x1B\"\n", "f").find("a")->text, "\x1B");
}

TEST(YamlTree, SyntaxErrorsCarryYamlCppPosition) {
  try {
    parse_document("a: [1, 2\nb: 3\n", "f");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_GE(e.line(), 1);
    EXPECT_GE(e.column(), 1);
    EXPECT_NE(e.message().find("YAML syntax error"), std::string::npos);
  }
}

TEST(YamlTree, DescribeAndRelocate) {
  Node root = parse_document("a: [1]\n", "f");
  EXPECT_EQ(describe(root), "a mapping");
  EXPECT_EQ(describe(root.entries[0].value), "a list");
  EXPECT_EQ(describe(root.entries[0].value.items[0]), "'1'");
  relocate(root, Pos{nullptr, 0, 0});
  EXPECT_EQ(root.entries[0].value.items[0].pos.line, 0);
}

}  // namespace
}  // namespace clocksim::config::yaml

namespace clocksim::config::yaml {
namespace {

TEST(YamlTree, AliasCopiesHaveTheirOwnSmallerBudget) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: [";
  for (int k = 0; k < 20; ++k) text += std::string(k ? ", " : "") + "*a";
  text += "]\n";
  Limits limits;
  limits.max_alias_nodes = 100;  // 20 aliases x 11 nodes = 220 copied
  try {
    parse_document(text, "f", limits);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(e.message().find("aliases expand to more than 100 YAML nodes"), std::string::npos) << e.what();
    EXPECT_EQ(e.key_path(), "b.9");  // the 10th alias brings the copies to 110
  }
  limits.max_alias_nodes = 220;
  EXPECT_NO_THROW(parse_document(text, "f", limits));
}

}  // namespace
}  // namespace clocksim::config::yaml
