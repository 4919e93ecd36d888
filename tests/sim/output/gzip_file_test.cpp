#include "sim/output/gzip_file.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <sstream>
#include <string>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

std::string gunzip(const std::string& in) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 15 + 16), Z_OK);
  std::string out;
  char buf[1 << 14];
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  do {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << "inflate: " << rc;
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof buf - s.avail_out);
  } while (rc != Z_STREAM_END);
  EXPECT_EQ(s.avail_in, 0u) << "bytes after the gzip member";
  inflateEnd(&s);
  return out;
}

std::string compress(const std::vector<std::string>& pieces) {
  MemoryFolder folder;
  {
    GzipFile f(folder.create("x.gz"));
    for (const auto& p : pieces) f.write(p);
    f.commit();
  }
  return folder.files().at("x.gz");
}

TEST(GzipFile, RoundTripsWhatIsWrittenInAnyPieces) {
  std::mt19937_64 rng(3);
  std::string data;
  for (int i = 0; i < 300'000; ++i) data += std::to_string(rng() % 100000) + (i % 7 ? "," : "\n");
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t n = std::min<std::size_t>(data.size() - at, 1 + rng() % 200'000);
    pieces.push_back(data.substr(at, n));
    at += n;
  }
  const std::string gz = compress(pieces);
  EXPECT_LT(gz.size(), data.size() / 2);
  EXPECT_EQ(gunzip(gz), data);
  EXPECT_EQ(compress({data}), gz) << "the bytes depend on the data only, not on how it was cut";
  EXPECT_EQ(gunzip(compress({})), "");
  // gzip magic, deflate, no file name, mtime 0: the same bytes on every run and machine.
  ASSERT_GE(gz.size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_EQ(gz[3], 0);
  EXPECT_EQ(gz.substr(4, 4), std::string(4, '\0'));
}

TEST(GzipFile, NothingAppearsWithoutCommit) {
  MemoryFolder folder;
  {
    GzipFile f(folder.create("x.gz"));
    f.write("t_ns,node\n1,n0\n");
  }
  EXPECT_TRUE(folder.files().empty());
}

// output.compress: gzip writes trace.csv.gz, which holds exactly the trace.csv of the same run.
TEST(GzipFile, CompressedTraceHoldsTheSameTrace) {
  const std::string yaml = "name: gz\nduration: 20s\nnodes: 5\nalgorithm: {sync: berkeley}\n";
  auto run = [&](const std::string& extra) {
    const auto spec = scenario::load_scenario_text(yaml + extra, "gz.yaml");
    MemoryFolder folder;
    RunOptions options;
    options.quiet = true;
    options.folder = &folder;
    std::ostringstream report;
    run_scenario(spec, options, report);
    return folder.take_files();
  };
  const auto plain = run("");
  const auto gz = run("output: {compress: gzip}\n");
  ASSERT_TRUE(plain.count("trace.csv"));
  ASSERT_TRUE(gz.count("trace.csv.gz"));
  EXPECT_FALSE(gz.count("trace.csv"));
  EXPECT_EQ(gunzip(gz.at("trace.csv.gz")), plain.at("trace.csv"));
  EXPECT_EQ(gz.at("skew.csv"), plain.at("skew.csv"));
}

}  // namespace
}  // namespace clocksim::sim
