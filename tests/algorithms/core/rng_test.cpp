// Known answers for the random streams: derive_seed's two forms and the first outputs of each
// engine. Every scenario's draws come from these, so a change to any of them changes every trace;
// these values catch it at once, independent of any algorithm. SplitMix64 from state 0 starting
// with 0xE220A8397B1DCDAF is the published reference sequence.
#include "algorithms/core/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace clocksim {
namespace {

TEST(DeriveSeed, ByNameKnownAnswers) {
  EXPECT_EQ(derive_seed(0, ""), 0x21FA69A58F3D62F5ULL);
  EXPECT_EQ(derive_seed(1, "link"), 0x7B80D60B6A965704ULL);
  EXPECT_EQ(derive_seed(42, "clock"), 0x6EC1597E6828A22FULL);
  EXPECT_EQ(derive_seed(0xFFFFFFFFFFFFFFFFULL, "n0"), 0xAD02E0D49B92064CULL);
  EXPECT_EQ(derive_seed(7, "distribution-test"), 0xAB5795AFAC5EE193ULL);
  static_assert(derive_seed(1, "link") == 0x7B80D60B6A965704ULL, "derive_seed is usable at compile time");
}

TEST(DeriveSeed, ByIndexKnownAnswers) {
  EXPECT_EQ(derive_seed(std::uint64_t{0}, std::uint64_t{0}), 0x88CE4B48A6765BFCULL);
  EXPECT_EQ(derive_seed(std::uint64_t{1}, std::uint64_t{1}), 0xCCE3EC75B4F92D2EULL);
  EXPECT_EQ(derive_seed(std::uint64_t{42}, std::uint64_t{7}), 0xD4FAD29B0DED00C7ULL);
  EXPECT_EQ(derive_seed(0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFFFFFFFFFFULL), 0x042CAB1BA74258A2ULL);
}

TEST(DeriveSeed, StreamsDifferByNameAndIndex) {
  EXPECT_NE(derive_seed(1, "link"), derive_seed(1, "links"));
  EXPECT_NE(derive_seed(1, "link"), derive_seed(2, "link"));
  EXPECT_NE(derive_seed(std::uint64_t{1}, std::uint64_t{0}), derive_seed(std::uint64_t{1}, std::uint64_t{1}));
}

template <class Engine>
std::array<std::uint64_t, 4> first_four(std::uint64_t seed) {
  Engine e(seed);
  return {e(), e(), e(), e()};
}

TEST(Rng, Xoshiro256StarStarKnownAnswers) {
  EXPECT_EQ(first_four<Rng>(0),
            (std::array<std::uint64_t, 4>{0x99EC5F36CB75F2B4ULL, 0xBF6E1F784956452AULL, 0x1A5F849D4933E6E0ULL,
                                          0x6AA594F1262D2D2CULL}));
  EXPECT_EQ(first_four<Rng>(42),
            (std::array<std::uint64_t, 4>{0x15780B2E0C2EC716ULL, 0x6104D9866D113A7EULL, 0xAE17533239E499A1ULL,
                                          0xECB8AD4703B360A1ULL}));
  Rng r(0);
  EXPECT_EQ(r.uniform01(), 0x1.33d8be6d96ebep-1);
  Rng again(42);
  again();
  again.reseed(42);  // reseeding restarts the stream
  EXPECT_EQ(again(), 0x15780B2E0C2EC716ULL);
}

TEST(SmallRng, SplitMix64KnownAnswers) {
  EXPECT_EQ(first_four<SmallRng>(0),
            (std::array<std::uint64_t, 4>{0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL, 0x06C45D188009454FULL,
                                          0xF88BB8A8724C81ECULL}));
  EXPECT_EQ(first_four<SmallRng>(42),
            (std::array<std::uint64_t, 4>{0xBDD732262FEB6E95ULL, 0x28EFE333B266F103ULL, 0x47526757130F9F52ULL,
                                          0x581CE1FF0E4AE394ULL}));
  SmallRng r(0);
  EXPECT_EQ(r.uniform01(), 0x1.c4415072f63b9p-1);
}

}  // namespace
}  // namespace clocksim
