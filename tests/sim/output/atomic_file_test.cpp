#include "sim/output/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace clocksim::sim {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFile, NothingAppearsWithoutCommit) {
  const fs::path dir = fs::temp_directory_path() / ("clocksim_atomic_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    AtomicFile f((dir / "trace.csv").string());
    f.write("half a trace");
  }
  EXPECT_TRUE(fs::is_empty(dir));
  {
    AtomicFile f((dir / "trace.csv").string());
    f.write("t_ns\n1\n");
    EXPECT_FALSE(fs::exists(dir / "trace.csv"));
    f.commit();
  }
  std::ifstream in(dir / "trace.csv");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "t_ns\n1\n");
  fs::remove_all(dir);
}

TEST(AtomicFile, CsvFieldsAreQuotedOnlyWhenNeeded) {
  std::string s;
  append_csv_field(s, "plain");
  s += '|';
  append_csv_field(s, "a, \"b\"");
  EXPECT_EQ(s, "plain|\"a, \"\"b\"\"\"");
  std::string n;
  append_int(n, -1234567890123);
  EXPECT_EQ(n, "-1234567890123");
}

}  // namespace
}  // namespace clocksim::sim
