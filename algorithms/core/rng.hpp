// Deterministic random streams.
//
// One root seed per run; every consumer (a node's clock, a link, an algorithm instance, a fault
// generator) gets its own stream derived from (root seed, stream name) by a fixed mixing function,
// so adding a node or a link never reshuffles the draws of the others. Engines here are
// UniformRandomBitGenerators for Boost.Random's distributions, which give the same numbers on
// every standard library (std:: distributions do not).
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace clocksim {

// SplitMix64 finalizer (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// FNV-1a over the name, then mixed with the root seed. Fixed forever: changing it changes every
// golden trace.
constexpr std::uint64_t derive_seed(std::uint64_t root_seed, std::string_view stream_name) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : stream_name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return mix64(root_seed ^ mix64(h));
}

// Derives a sub-stream by number (e.g. per node, per restart) without building strings on the
// hot path.
constexpr std::uint64_t derive_seed(std::uint64_t parent_seed, std::uint64_t index) {
  return mix64(parent_seed ^ mix64(index + 0x632BE59BD9B4E019ULL));
}

// xoshiro256** (Blackman, Vigna): small, fast, statistically strong; seeded through SplitMix64.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

// An 8-byte engine for places with millions of streams (one per link direction): SplitMix64.
class SmallRng {
 public:
  using result_type = std::uint64_t;
  explicit SmallRng(std::uint64_t seed = 0) : state_(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

}  // namespace clocksim
