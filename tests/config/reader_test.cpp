#include "config/reader.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "config/error.hpp"
#include "config/yaml_tree.hpp"
#include "tests/comma_locale.hpp"

namespace clocksim::config {
namespace {

// One misspelt key says nothing about the next: every unknown key of the mapping is named, each
// at its place and with its suggestion, in the order of the file, and each can be had on its own.
TEST(CheckKeys, EveryUnknownKeyOfAMappingIsNamedAtItsPlace) {
  const Node doc = yaml::parse_document("seed: 1\nduraton: 1s\nnodes: 2\nlniks: {}\nwhatever: 3\n", "k.yaml");
  const std::vector<std::string> allowed = {"seed", "duration", "nodes", "links"};
  try {
    check_keys(doc, "", allowed);
    FAIL() << "unknown keys were taken";
  } catch (const ConfigError& e) {
    const std::string tail = "; allowed keys here: seed, duration, nodes, links";
    const std::vector<std::string> lines = {
        "k.yaml:2:1: error: at 'duraton': unknown key 'duraton' (did you mean 'duration'?)" + tail,
        "k.yaml:4:1: error: at 'lniks': unknown key 'lniks' (did you mean 'links'?)" + tail,
        "k.yaml:5:1: error: at 'whatever': unknown key 'whatever'" + tail};
    EXPECT_EQ(std::string(e.what()), lines[0] + "\n" + lines[1] + "\n" + lines[2]);
    // To a reader that stops at one error, it is the first.
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 1);
    EXPECT_EQ(e.key_path(), "duraton");
    const std::vector<ConfigError> each = e.each();
    ASSERT_EQ(each.size(), 3u);
    for (std::size_t i = 0; i < each.size(); ++i) {
      EXPECT_EQ(std::string(each[i].what()), lines[i]);
      EXPECT_EQ(each[i].each().size(), 1u);
    }
    EXPECT_EQ(each[2].line(), 5);
  }
  // One unknown key reads as before: one line.
  const Node one = yaml::parse_document("nodes: 2\nsed: 1\n", "k.yaml");
  try {
    check_keys(one, "", allowed);
    FAIL() << "an unknown key was taken";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "k.yaml:2:1: error: at 'sed': unknown key 'sed' (did you mean 'seed'?); allowed "
                                     "keys here: seed, duration, nodes, links");
    EXPECT_EQ(e.each().size(), 1u);
  }
}

// Seeds: every value of 2^64 and nothing else, with no wrap-around or saturation.
TEST(ParseUint64, TakesTheWholeRangeAndRefusesEverythingElse) {
  EXPECT_EQ(parse_uint64("0"), 0u);
  EXPECT_EQ(parse_uint64("7"), 7u);
  EXPECT_EQ(parse_uint64("18446744073709551615"), 18446744073709551615u);
  for (const char* bad : {"", "-1", "+5", "18446744073709551616", "99999999999999999999999", "1e3", "0x10", " 7", "7 ", "7s"}) {
    EXPECT_EQ(parse_uint64(bad), std::nullopt) << bad;
  }
}

// Durations that must not be negative refuse a minus sign, even on zero, as the JSON Schema does;
// where negatives are allowed, "-0s" is zero.
TEST(ReadDuration, AMinusSignIsRefusedWhereOnlyNonNegativeDurationsAre) {
  const Node doc = yaml::parse_document("a: -0s\nb: 0s\nc: ' -0ms'\nd: -3ms\n", "d.yaml");
  for (const char* key : {"a", "c", "d"}) {
    try {
      read_duration(*doc.find(key), key, Duration::zero());
      ADD_FAILURE() << key << " was taken";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find("expected a duration >= 0"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("d.yaml:"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(read_duration(*doc.find("b"), "b", Duration::zero()), Duration::zero());
  EXPECT_EQ(read_duration(*doc.find("a"), "a"), Duration::zero());
  EXPECT_THROW(read_duration(*doc.find("a"), "a", Duration::from_ns(1)), std::exception);
}

TEST(FindControlCharacter, FindsC0DelAndC1AndCountsCharactersNotBytes) {
  EXPECT_FALSE(find_control_character("Berkeley / TSP — café", false));
  EXPECT_FALSE(find_control_character("two\nlines\tand a tab", true));
  const auto esc = find_control_character("é\x1b[31m", false);
  ASSERT_TRUE(esc);
  EXPECT_EQ(esc->index, 2u);
  EXPECT_EQ(esc->code, 0x1Bu);
  EXPECT_EQ(find_control_character("a\nb", false)->code, 0x0Au);
  EXPECT_EQ(find_control_character("a\tb", false)->index, 2u);
  EXPECT_EQ(find_control_character("a\rb", true)->code, 0x0Du);  // a carriage return moves the cursor
  EXPECT_EQ(find_control_character("a\x7f", true)->code, 0x7Fu);
  EXPECT_EQ(find_control_character("€\xc2\x85", true)->code, 0x85u);   // NEL, a C1 control
  EXPECT_EQ(find_control_character("😀\xc2\x9f", true)->index, 2u);  // four bytes, one character
  EXPECT_FALSE(find_control_character("\xc2\xa0nbsp", false));           // U+00A0 is no control
  EXPECT_EQ(find_control_character("abc\xe2\x80\xaetxt.exe", true)->code, 0x202Eu);  // right-to-left override
  EXPECT_EQ(find_control_character("\xe2\x81\xa6x", false)->code, 0x2066u);
  EXPECT_EQ(find_control_character("a\xe2\x80\x8f", false)->index, 2u);
  EXPECT_FALSE(find_control_character("\xe2\x80\x94 \xe2\x80\x99 \xe2\x82\xac", false));  // dash, quote, euro
  EXPECT_EQ(describe_control_character(*esc), "U+001B (character 2)");
}

// Numbers read and named in a process whose locale writes "1,5" (a program embedding clocksim may
// have set one): the text of the file is read as written, and the range in a message is the one
// the code holds, with a '.'.
TEST(ReadNumber, ReadsAndNamesNumbersTheSameInACommaDecimalLocale) {
  const clocksim::testing::CommaLocale comma;
  ASSERT_TRUE(comma.active());
  EXPECT_EQ(parse_number("0.25"), 0.25);
  EXPECT_EQ(parse_number("1e-3"), 1e-3);
  EXPECT_FALSE(parse_number("0,25"));
  const Node doc = yaml::parse_document("loss: 1.5\nrate: 0.75\n", "n.yaml");
  EXPECT_EQ(read_number(*doc.find("rate"), "rate", 0.5, 1), 0.75);
  try {
    (void)read_number(*doc.find("loss"), "loss", 0.125, 1);
    FAIL() << "1.5 was taken as within [0.125, 1]";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a number between 0.125 and 1, got 1.5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace clocksim::config
