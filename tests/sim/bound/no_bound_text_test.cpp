#include "sim/bound/no_bound_text.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace clocksim::sim {
namespace {

using bounds::NoBound;
using bounds::NoBoundWhy;

TEST(NoBoundText, EveryReasonHasASentenceOfItsOwnAndNoneHasNone) {
  EXPECT_EQ(no_bound_text(NoBound()), "");
  std::set<std::string> seen;
  for (int i = 1; i <= static_cast<int>(bounds::kLastNoBoundWhy); ++i) {
    NoBound n(static_cast<NoBoundWhy>(i));
    n.algorithm = "ntp";
    const std::string text = no_bound_text(n);
    EXPECT_FALSE(text.empty()) << bounds::no_bound_word(n.why);
    EXPECT_TRUE(seen.insert(text).second) << bounds::no_bound_word(n.why) << " shares its sentence: " << text;
  }
}

TEST(NoBoundText, TheSentenceQuotesTheFiguresThatDecide) {
  NoBound guard(NoBoundWhy::kGuardRefusesCorrectionSum);
  guard.amount_s = 1801;
  guard.window_s = 3600;
  guard.limit_s = 1000;
  const std::string g = no_bound_text(guard);
  for (const char* figure : {"1801 s", "3600 s", "1000 s"}) EXPECT_NE(g.find(figure), std::string::npos) << g;

  NoBound liars(NoBoundWhy::kTooFewForLiars);
  liars.nodes = 6;
  liars.faults = 2;
  EXPECT_NE(no_bound_text(liars).find("n = 6 < 3f + 1 = 7"), std::string::npos) << no_bound_text(liars);

  NoBound untrusted(NoBoundWhy::kUntrustedMaster);
  untrusted.node = "n3";
  EXPECT_NE(no_bound_text(untrusted).find("node n3 may lead"), std::string::npos);

  NoBound unknown(NoBoundWhy::kUnknownAlgorithm);
  unknown.algorithm = "mystery";
  EXPECT_NE(no_bound_text(unknown).find("'mystery'"), std::string::npos);
}

// An algorithm that declares no bound model gives its own reason, as its registration words it.
TEST(NoBoundText, NoModelGivesTheAlgorithmsDeclaredReason) {
  NoBound ntp(NoBoundWhy::kNoModel);
  ntp.algorithm = "ntp";
  EXPECT_NE(no_bound_text(ntp).find("RFC 5905"), std::string::npos) << no_bound_text(ntp);
}

TEST(NoBoundText, CaveatsOfAValidBound) {
  bounds::SkewBound b;
  b.valid = true;
  EXPECT_EQ(bound_caveats_text(b), "");
  b.rate_correction_not_counted = true;
  b.probabilistic = true;
  b.wander_miss_at_most = 2e-8;
  const std::string c = bound_caveats_text(b);
  EXPECT_EQ(c.rfind("; rate correction not counted", 0), 0u) << c;
  EXPECT_NE(c.find("probability >= 1 - 2e-08"), std::string::npos) << c;
}

}  // namespace
}  // namespace clocksim::sim
