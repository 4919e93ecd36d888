#include "sim/memory/memory_limit.hpp"

#include <gtest/gtest.h>

namespace clocksim::sim {
namespace memory_limit_test {

using Kind = MemoryLimitRequest::Kind;

std::uint64_t bytes_of(const char* text) {
  const auto r = parse_memory_limit(text);
  EXPECT_TRUE(r && r->kind == Kind::kBytes) << text;
  return r ? r->bytes : 0;
}

TEST(MemoryLimit, SizesInBinaryAndDecimalUnits) {
  EXPECT_EQ(bytes_of("4096"), 4096u);
  EXPECT_EQ(bytes_of("4096B"), 4096u);
  EXPECT_EQ(bytes_of("8KiB"), 8u * 1024);
  EXPECT_EQ(bytes_of("8K"), 8u * 1024);
  EXPECT_EQ(bytes_of("512MiB"), 512ull << 20);
  EXPECT_EQ(bytes_of("8GiB"), 8ull << 30);
  EXPECT_EQ(bytes_of("8G"), 8ull << 30);
  EXPECT_EQ(bytes_of("2TiB"), 2ull << 40);
  EXPECT_EQ(bytes_of("500MB"), 500'000'000u);
  EXPECT_EQ(bytes_of("3kB"), 3'000u);
  EXPECT_EQ(bytes_of("3GB"), 3'000'000'000u);
  EXPECT_EQ(bytes_of("1TB"), 1'000'000'000'000u);
  EXPECT_EQ(bytes_of("8388608TiB"), 1ull << 63);  // the largest
}

TEST(MemoryLimit, WordsAndRefusals) {
  EXPECT_EQ(parse_memory_limit("available")->kind, Kind::kAvailable);
  EXPECT_EQ(parse_memory_limit("none")->kind, Kind::kNone);
  for (const char* bad : {"", "0", "0GiB", "-1", "-1G", "1.5GiB", "GiB", "12XB", "8 GiB", "8gib", " 8G", "8G ",
                          "8388609TiB", "18446744073709551616", "99999999999999999999999", "None", "avail"}) {
    EXPECT_FALSE(parse_memory_limit(bad)) << "'" << bad << "'";
  }
}

TEST(MemoryLimit, WhatACgroupLeaves) {
  EXPECT_EQ(cgroup_room_bytes("1073741824\n", "73741824\n"), 1'000'000'000u);
  EXPECT_EQ(cgroup_room_bytes("1000", "2000"), 0u);  // over its limit already (reclaim pending)
  EXPECT_FALSE(cgroup_room_bytes("max\n", "123\n"));  // v2: no limit
  EXPECT_FALSE(cgroup_room_bytes("9223372036854771712\n", "123\n"));  // v1: no limit, page-rounded 2^63
  EXPECT_FALSE(cgroup_room_bytes("", "123"));  // the file was not there
  EXPECT_FALSE(cgroup_room_bytes("1000", ""));
  EXPECT_FALSE(cgroup_room_bytes("12k", "1"));
}

TEST(MemoryLimit, TheMessageNamesTheLimitAndTheWayOut) {
  const std::string m = out_of_memory_message({std::uint64_t{1} << 30, "1.07 GB, given by --memory-limit"});
  EXPECT_NE(m.find("more memory than its limit, 1.07 GB, given by --memory-limit"), std::string::npos) << m;
  EXPECT_NE(m.find("--memory-limit SIZE sets another"), std::string::npos) << m;
  EXPECT_NE(out_of_memory_message({std::nullopt, "none (--memory-limit none)"}).find("out of memory"), std::string::npos);
}

TEST(MemoryLimit, NoneAppliesNothing) {
  const auto applied = apply_memory_limit({Kind::kNone, 0});
  ASSERT_TRUE(std::holds_alternative<MemoryLimit>(applied));
  EXPECT_FALSE(std::get<MemoryLimit>(applied).bytes);
}

}  // namespace memory_limit_test
}  // namespace clocksim::sim
