#include "daemon/state/state_file.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace clocksim::daemon {
namespace {

// The SHA-256 a copy carries: of its covered header (generation, length) and its text.
std::string copy_digest(const std::string& covered, const std::string& text) {
  unsigned char digest[32];
  unsigned int dlen = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, covered.data(), covered.size());
  EVP_DigestUpdate(ctx, text.data(), text.size());
  EVP_DigestFinal_ex(ctx, digest, &dlen);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(digest), 32);
}

namespace fs = std::filesystem;

class StateFileTest : public ::testing::Test {
 protected:
  StateFileTest() {
    dir_ = fs::temp_directory_path() / ("clocksim-state-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Whatever the umask: a folder others may write is refused (AFolderOthersMayWriteIsRefused).
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  }
  ~StateFileTest() override { fs::remove_all(dir_); }

  std::string path() const { return (dir_ / "node.state").string(); }
  std::unique_ptr<StateFile> open_ok(NodeId self, std::size_t members) {
    auto f = StateFile::open(path(), self, members);
    if (auto* e = std::get_if<std::string>(&f)) ADD_FAILURE() << *e;
    return f.index() == 0 ? std::move(std::get<0>(f)) : nullptr;
  }
  std::string open_error(NodeId self, std::size_t members) {
    auto f = StateFile::open(path(), self, members);
    return f.index() == 1 ? std::get<1>(f) : std::string();
  }
  std::string bytes() const {
    std::ifstream in(path(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write_bytes(const std::string& b) const {
    std::ofstream out(path(), std::ios::binary | std::ios::trunc);
    out << b;
  }

  static StableState state(std::uint32_t elections, std::uint64_t lamport, std::uint32_t next_id,
                           std::vector<std::uint64_t> vector) {
    StableState s;
    s.elections_started = elections;
    s.logical.lamport = lamport;
    s.logical.next_message_id = next_id;
    s.logical.vector = std::move(vector);
    return s;
  }

  // One copy of a record with the text `text` as the file layout has it (state_file.hpp), with a
  // good checksum, padded to `half` bytes: what any writer that knows the layout could write.
  static std::string copy_of(const std::string& text, std::uint64_t generation, std::size_t half) {
    std::string covered;
    for (int i = 0; i < 8; ++i) covered.push_back(static_cast<char>((generation >> (8 * i)) & 0xFF));
    for (int i = 0; i < 4; ++i) covered.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xFF));
    std::string copy = "CSDSTAT1" + covered + copy_digest(covered, text) + text;
    copy.resize(half, '\0');
    return copy;
  }
  // The record of node 2 in a cluster of 3, as written before the clock window was kept.
  static nlohmann::json old_record() {
    return {{"node", 2}, {"members", 3}, {"elections_started", 1}, {"lamport", 7},
            {"next_message_id", 3}, {"vector", {0, 7, 0}}, {"epoch", 99}};
  }

  fs::path dir_;
};

PanicWindowState widest_window() {
  PanicWindowState w;
  w.boot = BootId{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xfe, 0xff};
  w.slice_width_ns = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t i = 0; i < PanicWindow::kSliceSlots; ++i) {
    w.slices.push_back({std::numeric_limits<std::int64_t>::min() + i, std::numeric_limits<std::uint64_t>::max() - i,
                        std::numeric_limits<std::int64_t>::min() + i});
  }
  return w;
}

TEST_F(StateFileTest, AFirstRunCreatesThePrivateFileAndStartsFromZero) {
  auto f = open_ok(2, 3);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->saved(), StableState{});
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size % 2, 0);
  EXPECT_FALSE(fs::exists(path() + ".new"));
}

TEST_F(StateFileTest, WhatASaveKeptIsWhatTheNextRunReads) {
  const StableState s = state(4, 91, 30, {12, 91, 7});
  {
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f->save(state(1, 5, 2, {0, 5, 1})));
    ASSERT_TRUE(f->save(s));
    EXPECT_EQ(f->saved(), s);
  }
  auto again = open_ok(2, 3);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->saved(), s);
  // The next save goes over the older copy and is read back too.
  const StableState later = state(4, 95, 31, {12, 95, 7});
  ASSERT_TRUE(again->save(later));
  again.reset();
  EXPECT_EQ(open_ok(2, 3)->saved(), later);
}

// A crash in the middle of a save tears the copy being written: the other one still holds the
// record before it. Every byte of either half is torn in turn.
TEST_F(StateFileTest, ATornCopyLeavesTheOtherOne) {
  const StableState before = state(2, 40, 10, {40, 3});
  const StableState after = state(2, 41, 11, {41, 3});
  {
    auto f = open_ok(0, 2);
    ASSERT_TRUE(f->save(before));
    ASSERT_TRUE(f->save(after));
  }
  const std::string good = bytes();
  const std::size_t half = good.size() / 2;
  int read_after = 0;
  int read_before = 0;
  for (std::size_t at = 0; at < good.size(); at += 7) {
    if (at % half > 400) continue;  // past every record's text: padding, not read
    std::string torn = good;
    torn[at] = static_cast<char>(torn[at] ^ 0x5A);
    write_bytes(torn);
    auto f = open_ok(0, 2);
    ASSERT_TRUE(f) << "torn at byte " << at;
    const StableState got = f->saved();
    ASSERT_TRUE(got == after || got == before) << "torn at byte " << at;
    (got == after ? read_after : read_before) += 1;
    f.reset();
    write_bytes(good);
  }
  EXPECT_GT(read_after, 0);
  EXPECT_GT(read_before, 0);  // the newest copy torn: the older one
}

TEST_F(StateFileTest, BothCopiesDamagedIsRefusedAndNamesTheFile) {
  { open_ok(1, 2); }
  std::string b = bytes();
  b[30] ^= 1;
  b[b.size() / 2 + 30] ^= 1;
  write_bytes(b);
  const std::string e = open_error(1, 2);
  EXPECT_NE(e.find(path()), std::string::npos) << e;
  EXPECT_NE(e.find("neither copy is intact"), std::string::npos) << e;
  EXPECT_NE(e.find("move it away"), std::string::npos) << e;
  EXPECT_EQ(StateFile::check(path(), 1, 2), e);
  EXPECT_EQ(bytes(), b);  // left as it was
}

TEST_F(StateFileTest, AnotherNodesFileOrAnotherMembershipIsRefused) {
  {
    auto f = open_ok(1, 3);
    ASSERT_TRUE(f->save(state(0, 3, 1, {0, 3, 0})));
  }
  EXPECT_NE(open_error(2, 3).find("belongs to node 1, not node 2"), std::string::npos) << open_error(2, 3);
  EXPECT_NE(open_error(1, 4).find("3 entries, the cluster 4 members"), std::string::npos) << open_error(1, 4);
  // A cluster that shrank so far that the old vector alone outgrows its records.
  {
    fs::remove(path());
    auto f = open_ok(1, 900);
    ASSERT_TRUE(f->save(state(0, 3, 1, std::vector<std::uint64_t>(900, 1'000'000'000'000))));
  }
  EXPECT_NE(open_error(1, 3).find("if the membership shrank"), std::string::npos) << open_error(1, 3);
}

TEST_F(StateFileTest, AGrownClusterWithoutAVectorIsLaidOutAgainKeepingTheRecord) {
  const StableState lamport_only = state(3, 17, 9, {});
  {
    auto f = open_ok(1, 2);
    ASSERT_TRUE(f->save(lamport_only));
  }
  const auto small = fs::file_size(path());
  auto f = open_ok(1, 900);  // 900 members need more room for a vector than 2 did
  ASSERT_TRUE(f);
  EXPECT_EQ(f->saved(), lamport_only);
  EXPECT_GT(fs::file_size(path()), small);
  std::vector<std::uint64_t> wide(900, std::numeric_limits<std::int64_t>::max());
  ASSERT_TRUE(f->save(state(3, 18, 10, wide)));  // every entry at its widest still fits
  f.reset();
  EXPECT_EQ(open_ok(1, 900)->saved().logical.vector, wide);
}

TEST_F(StateFileTest, AnythingElseIsRefusedNeverTakenForAState) {
  for (const std::string& junk : {std::string("hello\n"), std::string(4096, 'x'), std::string(8192, '\0')}) {
    write_bytes(junk);
    EXPECT_FALSE(open_error(1, 2).empty()) << junk.size();
  }
  write_bytes("");  // an empty file: a first run (e.g. made by the package)
  EXPECT_TRUE(open_ok(1, 2));
  fs::remove(path());
  fs::create_directories(path());
  EXPECT_NE(open_error(1, 2).find("not a regular file"), std::string::npos);
  // A FIFO: refused at once, not waited on for a writer that never comes.
  fs::remove(path());
  ASSERT_EQ(::mkfifo(path().c_str(), 0600), 0);
  EXPECT_NE(open_error(1, 2).find("not a regular file"), std::string::npos);
  EXPECT_NE(StateFile::check(path(), 1, 2).value_or("").find("not a regular file"), std::string::npos);
}

// Two processes saving into one file would undo each other: the second open is refused while
// the first holds it, and taken once it is closed.
TEST_F(StateFileTest, OneProcessAtATimeHoldsAStateFile) {
  auto first = open_ok(1, 2);
  ASSERT_TRUE(first);
  const std::string e = open_error(1, 2);
  EXPECT_NE(e.find("another process"), std::string::npos) << e;
  first.reset();
  EXPECT_TRUE(open_ok(1, 2));
}

// What is left at the layout's temporary name is replaced, never written through: a link there
// must not make the daemon write elsewhere.
TEST_F(StateFileTest, TheLayoutNeverWritesThroughALinkLeftAtItsTemporaryName) {
  const fs::path elsewhere = dir_ / "elsewhere";
  { std::ofstream(elsewhere) << "keep"; }
  fs::create_symlink(elsewhere, path() + ".new");
  ASSERT_TRUE(open_ok(1, 2));
  std::ifstream in(elsewhere);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "keep");
  EXPECT_FALSE(fs::exists(path() + ".new"));
}

// A run's epoch is kept before it is used, and the next run's is above it even when the wall
// clock went back in between: peers refuse a lower sender epoch as an earlier run's packets.
TEST_F(StateFileTest, EveryRunsEpochIsAboveTheLastRunsWhateverTheWallClockSays) {
  {
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->last_epoch(), 0u);
    EXPECT_EQ(std::get<std::uint64_t>(f->begin_run(5'000'000'000'000)), 5'000'000'000'000u);
    ASSERT_TRUE(f->save(state(4, 9, 2, {1, 9, 0})));
  }
  {
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->last_epoch(), 5'000'000'000'000u);
    // The clock was stepped back an hour between the runs.
    EXPECT_EQ(std::get<std::uint64_t>(f->begin_run(5'000'000'000'000 - 3'600'000'000'000)), 5'000'000'000'001u);
    EXPECT_EQ(f->saved(), state(4, 9, 2, {1, 9, 0}));
  }
  {
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->last_epoch(), 5'000'000'000'001u);
    EXPECT_EQ(std::get<std::uint64_t>(f->begin_run(6'000'000'000'000)), 6'000'000'000'000u);
    EXPECT_EQ(f->saved(), state(4, 9, 2, {1, 9, 0}));
  }
}

// A file written before epochs were kept (its record has no "epoch") reads as none kept.
TEST_F(StateFileTest, ARecordWithoutAnEpochReadsAsNoneKept) {
  {
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->save(state(1, 7, 3, {0, 7, 0})));
  }
  // Both copies rewritten without the field, with their checksums (layout: state_file.hpp).
  std::string b = bytes();
  const std::size_t half = b.size() / 2;
  for (std::size_t at : {std::size_t{0}, half}) {
    const std::size_t len = static_cast<unsigned char>(b[at + 16]) | static_cast<unsigned char>(b[at + 17]) << 8;
    std::string text = b.substr(at + 52, len);
    const auto pos = text.find(",\"epoch\":");
    if (pos != std::string::npos) text.erase(pos, text.find_first_of(",}", pos + 1) - pos);
    if (text.find("\"epoch\"") != std::string::npos) {  // the first key: drop it with its comma
      const auto p2 = text.find("\"epoch\"");
      text.erase(p2, text.find(',', p2) + 1 - p2);
    }
    ASSERT_EQ(text.find("epoch"), std::string::npos) << text;
    std::string covered = b.substr(at + 8, 8);
    for (int i = 0; i < 4; ++i) covered.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xFF));
    std::string copy = b.substr(at, 8) + covered + copy_digest(covered, text) + text;
    copy.resize(half, '\0');
    b.replace(at, half, copy);
  }
  write_bytes(b);
  auto f = open_ok(2, 3);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->last_epoch(), 0u);
  EXPECT_EQ(f->saved(), state(1, 7, 3, {0, 7, 0}));
  EXPECT_EQ(std::get<std::uint64_t>(f->begin_run(42)), 42u);
}

// The clock guard's window is kept with the record and read back as it was, at its widest (every
// slot of the window, every number at an end of its range) in the smallest and a larger cluster.
TEST_F(StateFileTest, TheClockWindowIsKeptWithTheRecord) {
  for (std::size_t members : {std::size_t{1}, std::size_t{3}, std::size_t{200}}) {
    fs::remove(path());
    StableState s = state(3, 12, 4, std::vector<std::uint64_t>(members, std::numeric_limits<std::int64_t>::max()));
    s.clock_window = widest_window();
    {
      auto f = open_ok(0, members);
      ASSERT_TRUE(f);
      ASSERT_TRUE(f->save(s)) << members << ": " << f->last_error();
      PanicWindowState small;
      small.boot = BootId{1};
      small.slice_width_ns = 56'250'000'000;
      small.slices = {{1000, 999'000'000'000}, {1001, 1}};
      s.clock_window = small;
      ASSERT_TRUE(f->save(s));  // the other half now
    }
    auto again = open_ok(0, members);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->saved(), s) << members;
    s.clock_window = widest_window();
    ASSERT_TRUE(again->save(s));
    again.reset();
    EXPECT_EQ(open_ok(0, members)->saved().clock_window, widest_window()) << members;
  }
}

// A file written before the window was kept (no "clock_window" in its record, the layout of its
// day) reads as a window with nothing counted, keeps the rest of its record, and takes a window
// at the next save. A cluster large enough for the window to need more room is laid out again.
TEST_F(StateFileTest, AFileWrittenBeforeTheClockWindowReadsAsNothingCounted) {
  for (std::size_t members : {std::size_t{3}, std::size_t{150}}) {
    nlohmann::json record = old_record();
    record["members"] = members;
    record["vector"] = std::vector<std::uint64_t>(members, 7);
    // The layout before: 52 header bytes, 256 and 21 per member, in 4 KiB pages.
    const std::size_t old_half = (52 + 256 + 21 * members + 4095) / 4096 * 4096;
    write_bytes(copy_of(record.dump(), 5, old_half) + copy_of(record.dump(), 6, old_half));
    auto f = open_ok(2, members);
    ASSERT_TRUE(f) << members;
    EXPECT_EQ(f->saved().clock_window, PanicWindowState{});
    EXPECT_EQ(f->saved().logical.lamport, 7u);
    EXPECT_EQ(f->last_epoch(), 99u);
    StableState s = f->saved();
    s.clock_window = widest_window();
    ASSERT_TRUE(f->save(s)) << f->last_error();
    f.reset();
    EXPECT_EQ(open_ok(2, members)->saved().clock_window, widest_window()) << members;
  }
}

// A clock window that is not what a run writes, in the newest intact copy, refuses the start and
// names the file and the field: never an empty window, nor the older copy's (both would give a
// liar back the corrections it counted). In the older copy only, it is not read at all.
TEST_F(StateFileTest, AMalformedClockWindowIsRefusedNamingTheField) {
  const nlohmann::json good = {{"boot_id", "0102-bad"}, {"slice_width_ns", 1}, {"slices", nlohmann::json::array()}};
  struct Bad {
    nlohmann::json window;
    const char* field;
  };
  const std::string boot = "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a";
  auto window = [&](nlohmann::json width, nlohmann::json slices) {
    return nlohmann::json{{"boot_id", boot}, {"slice_width_ns", std::move(width)}, {"slices", std::move(slices)}};
  };
  const std::vector<Bad> bad = {
      {"garbage", "clock_window is not an object"},
      {nlohmann::json::array({1, 2}), "clock_window is not an object"},
      {{{"slice_width_ns", 1}, {"slices", nlohmann::json::array()}}, "clock_window.boot_id"},
      {good, "clock_window.boot_id"},
      {{{"boot_id", 42}, {"slice_width_ns", 1}, {"slices", nlohmann::json::array()}}, "clock_window.boot_id"},
      {window(-1, nlohmann::json::array()), "clock_window.slice_width_ns"},
      {window(1.5, nlohmann::json::array()), "clock_window.slice_width_ns"},
      {window("56s", nlohmann::json::array()), "clock_window.slice_width_ns"},
      {window(0, {{1, 2}}), "clock_window.slice_width_ns is 0"},
      {{{"boot_id", boot}, {"slices", nlohmann::json::array()}}, "clock_window.slice_width_ns"},
      {window(1, "none"), "clock_window.slices"},
      {{{"boot_id", boot}, {"slice_width_ns", 1}}, "clock_window.slices"},
      {window(1, std::vector<std::vector<int>>(66, {1, 1})), "clock_window.slices has 66 entries"},
      {window(1, {{1, 2}, 3}), "clock_window.slices[1] is not [index, moved_ns, net_ns]"},
      {window(1, {{1, 2, 1, 3}}), "clock_window.slices[0] is not [index, moved_ns, net_ns]"},
      {window(1, nlohmann::json::array({nlohmann::json::array({1})})), "clock_window.slices[0] is not [index, moved_ns, net_ns]"},
      {window(1, {{1, 5, 6}}), "clock_window.slices[0]: its net_ns is larger than its moved_ns"},
      {window(1, {{1, 5, -6}}), "clock_window.slices[0]: its net_ns is larger than its moved_ns"},
      {window(1, {{1, 5, 1.5}}), "clock_window.slices[0]: its net_ns is not an int64"},
      {window(1, {{1, 5, "1"}}), "clock_window.slices[0]: its net_ns is not an int64"},
      {window(1, {nlohmann::json::array({1, std::uint64_t{1} << 63, std::uint64_t{1} << 63})}),
       "clock_window.slices[0]: its net_ns is not an int64"},
      {window(1, {{1.5, 2}}), "clock_window.slices[0]: its index"},
      {window(1, {{std::uint64_t{1} << 63, 2}}), "clock_window.slices[0]: its index"},
      {window(1, {{1, -5}}), "clock_window.slices[0]: its moved_ns is negative"},
      {window(1, {{1, 1e20}}), "clock_window.slices[0]: its moved_ns is not an unsigned"},
      {window(1, {{1, "5"}}), "clock_window.slices[0]: its moved_ns is not an unsigned"},
  };
  for (const Bad& b : bad) {
    nlohmann::json newest = old_record();
    newest["clock_window"] = b.window;
    nlohmann::json older = old_record();
    older["clock_window"] = window(56'250'000'000, {{3, 999'000'000'000}});
    write_bytes(copy_of(older.dump(), 5, 4096) + copy_of(newest.dump(), 6, 4096));
    const std::string e = open_error(2, 3);
    EXPECT_NE(e.find(path()), std::string::npos) << b.window.dump() << ": " << e;
    EXPECT_NE(e.find(b.field), std::string::npos) << b.window.dump() << ": " << e;
    EXPECT_EQ(StateFile::check(path(), 2, 3), e);
    // Only in the older copy: the newest one is read, its window as written.
    write_bytes(copy_of(newest.dump(), 5, 4096) + copy_of(older.dump(), 6, 4096));
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f) << b.window.dump();
    ASSERT_EQ(f->saved().clock_window.slices.size(), 1u);
    EXPECT_EQ(f->saved().clock_window.slices[0].moved_ns, 999'000'000'000u);
    // A pair, as written before nets were kept: nothing of it can be taken back.
    EXPECT_EQ(f->saved().clock_window.slices[0].net_ns, 0);
  }
}

// An intact newest copy (its checksum holds: some writer meant it) whose record is not what a run
// writes refuses the start, naming the file and the field, as a malformed clock window does: the
// older copy is older in everything (a lower Lamport clock and next message id, an epoch a run
// may have used, a window without the latest correction), so passing over to it would turn the
// node back.
TEST_F(StateFileTest, AMalformedRecordInTheNewestCopyIsRefusedNamingTheField) {
  struct Bad {
    std::string text;
    const char* field;
  };
  auto with = [](const char* key, nlohmann::json value) {
    nlohmann::json r = old_record();
    r[key] = std::move(value);
    return r.dump();
  };
  auto without = [](const char* key) {
    nlohmann::json r = old_record();
    r.erase(key);
    return r.dump();
  };
  const std::vector<Bad> bad = {
      {with("lamport", 9.0), "lamport is not an unsigned integer"},
      {with("lamport", "9"), "lamport is not an unsigned integer"},
      {with("lamport", -1), "lamport is not an unsigned integer"},
      {with("lamport", std::uint64_t{1} << 63), "lamport is not an unsigned integer up to 9223372036854775807"},
      {without("lamport"), "lamport is missing"},
      {with("node", std::uint64_t{1} << 32), "node is not an unsigned integer"},
      {with("elections_started", std::uint64_t{1} << 32), "elections_started is not an unsigned integer"},
      {with("next_message_id", std::uint64_t{1} << 32), "next_message_id is not an unsigned integer up to 4294967295"},
      {with("next_message_id", nullptr), "next_message_id is not an unsigned integer"},
      {with("vector", "7,7,7"), "vector is missing or not a list"},
      {with("vector", {0, -7, 0}), "vector[1] is not an unsigned integer"},
      {with("epoch", -5), "epoch is not an unsigned integer"},
      {with("epoch", std::numeric_limits<std::uint64_t>::max()), "epoch is not an unsigned integer up to 18446744073709551614"},
      {"[1,2,3]", "record is not a JSON object"},
      {std::string("{\"node\":2,\0\"members\":3}", 24), "record is not a JSON object"},
      {with("note", "x").insert(1, "\"lamport\":1,"), "record repeats the key \"lamport\""},
      {"{\"node\":2,\"x\":\"\xff\xfe\"}", "record is not a JSON object"},
  };
  for (const Bad& b : bad) {
    nlohmann::json older = old_record();
    older["lamport"] = 3;
    write_bytes(copy_of(older.dump(), 5, 4096) + copy_of(b.text, 6, 4096));
    const std::string e = open_error(2, 3);
    EXPECT_NE(e.find(path()), std::string::npos) << b.text << ": " << e;
    EXPECT_NE(e.find(b.field), std::string::npos) << b.text << ": " << e;
    EXPECT_NE(e.find("generation 6"), std::string::npos) << b.text << ": " << e;
    EXPECT_EQ(StateFile::check(path(), 2, 3), e);
    // Only in the older copy: the newest one is read.
    write_bytes(copy_of(b.text, 5, 4096) + copy_of(old_record().dump(), 6, 4096));
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f) << b.text;
    EXPECT_EQ(f->saved().logical.lamport, 7u) << b.text;
  }
}

// A record longer than any this cluster's runs write is refused unparsed: a text of tens of
// megabytes nested millions deep would otherwise cost the start seconds and gigabytes.
TEST_F(StateFileTest, ARecordLongerThanTheClusterWritesIsRefusedUnread) {
  const std::size_t depth = 4 << 20;
  const std::string text = "{\"node\":2,\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  const std::size_t half = (text.size() + 52 + 4095) / 4096 * 4096;
  write_bytes(copy_of(old_record().dump(), 5, half) + copy_of(text, 6, half));
  const std::string e = open_error(2, 3);
  EXPECT_NE(e.find(path()), std::string::npos) << e;
  EXPECT_NE(e.find("record is " + std::to_string(text.size()) + " bytes, longer than any record of this cluster"),
            std::string::npos)
      << e;
}

// A file cut short outside the daemon (a copy onto a full disk) is refused when its size is not
// two copies of whole pages, as every layout writes: read by halves, its first half could hold
// the older copy whole, and the newest one would be passed over.
TEST_F(StateFileTest, AFileCutShortIsRefusedNotReadAsItsOlderCopy) {
  {
    auto f = open_ok(1, 2);
    ASSERT_TRUE(f->save(state(1, 5, 2, {5, 0})));  // older, first half
    ASSERT_TRUE(f->save(state(1, 9, 4, {9, 0})));  // newest, second half
    ASSERT_TRUE(f->save(state(1, 12, 6, {12, 0})));  // newest, first half
    ASSERT_TRUE(f->save(state(1, 13, 7, {13, 0})));  // newest, second half
  }
  const std::string whole = bytes();
  ASSERT_EQ(whole.size() % 8192, 0u);
  for (std::size_t cut : {whole.size() - 1, whole.size() - 2, whole.size() * 3 / 4, whole.size() / 2 + 100}) {
    write_bytes(whole.substr(0, cut));
    const std::string e = open_error(1, 2);
    EXPECT_NE(e.find("cut short"), std::string::npos) << cut << ": " << e;
    EXPECT_EQ(StateFile::check(path(), 1, 2), e);
  }
}

// Two intact copies of one generation that differ are never written: which is the later is
// unknown, and the first half may hold the lower clocks.
TEST_F(StateFileTest, TwoDifferentCopiesOfOneGenerationAreRefused) {
  nlohmann::json lower = old_record();
  lower["lamport"] = 5;
  nlohmann::json higher = old_record();
  higher["lamport"] = 9;
  write_bytes(copy_of(lower.dump(), 7, 4096) + copy_of(higher.dump(), 7, 4096));
  const std::string e = open_error(2, 3);
  EXPECT_NE(e.find(path()), std::string::npos) << e;
  EXPECT_NE(e.find("both copies are generation 7"), std::string::npos) << e;
  EXPECT_EQ(StateFile::check(path(), 2, 3), e);
  // The same record twice is merely redundant.
  write_bytes(copy_of(higher.dump(), 7, 4096) + copy_of(higher.dump(), 7, 4096));
  EXPECT_EQ(open_ok(2, 3)->saved().logical.lamport, 9u);
}

// A generation at the top of its range would make the next save wrap to 0, below the copy it
// replaces, so the start after a run that saved once would read that run's predecessor (its
// epoch, its clocks, its window). Such a file is numbered afresh, keeping its record.
TEST_F(StateFileTest, AGenerationAtTheTopOfItsRangeIsNumberedAfresh) {
  for (std::uint64_t top : {std::numeric_limits<std::uint64_t>::max(), std::numeric_limits<std::uint64_t>::max() - 1}) {
    nlohmann::json older = old_record();
    older["lamport"] = 3;
    write_bytes(copy_of(older.dump(), top - 1, 4096) + copy_of(old_record().dump(), top, 4096));
    {
      auto f = open_ok(2, 3);
      ASSERT_TRUE(f);
      EXPECT_EQ(f->saved().logical.lamport, 7u);
      EXPECT_LT(f->generation(), std::uint64_t{1} << 62);
      EXPECT_EQ(std::get<std::uint64_t>(f->begin_run(5'000)), 5'000u);  // this run's only save
    }
    auto f = open_ok(2, 3);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->last_epoch(), 5'000u) << top;
    EXPECT_EQ(f->saved().logical.lamport, 7u) << top;
  }
}

// Whoever may rewrite the file can empty the clock window (a liar's fresh budget) or turn the
// node's clocks back: a file group or others may write, or owned by anyone but this user, root or
// the user the daemon runs as, is refused (as a key file is), by the start and by --check-config.
TEST_F(StateFileTest, AFileOthersMayWriteIsRefused) {
  {
    auto f = open_ok(1, 2);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->save(state(1, 5, 2, {5, 0})));
  }
  for (mode_t mode : {0666, 0620, 0602}) {
    ASSERT_EQ(::chmod(path().c_str(), mode), 0);
    const std::string e = open_error(1, 2);
    EXPECT_NE(e.find(path()), std::string::npos) << e;
    EXPECT_NE(e.find("let group or others write it"), std::string::npos) << mode << ": " << e;
    EXPECT_NE(e.find("chmod 600"), std::string::npos) << e;
    EXPECT_EQ(StateFile::check(path(), 1, 2), e);
  }
  ASSERT_EQ(::chmod(path().c_str(), 0644), 0);  // readable is no risk
  EXPECT_TRUE(open_ok(1, 2));
  ASSERT_EQ(::chmod(path().c_str(), 0600), 0);
  if (::geteuid() != 0) GTEST_SKIP() << "giving the file another owner needs root";
  ASSERT_EQ(::chown(path().c_str(), 4242, 4242), 0);
  const std::string e = open_error(1, 2);
  EXPECT_NE(e.find("owned by uid 4242"), std::string::npos) << e;
  EXPECT_EQ(StateFile::check(path(), 1, 2), e);
  // The user a daemon started as root drops to may own it.
  auto f = StateFile::open(path(), 1, 2, 4242);
  EXPECT_EQ(f.index(), 0u) << (f.index() == 1 ? std::get<1>(f) : "");
  EXPECT_EQ(StateFile::check(path(), 1, 2, 4242), std::nullopt);
}

// A link is not followed: whoever may change it, or the file it points at, would choose what the
// daemon reads and overwrites, whatever the checks on the state file's own folder say.
TEST_F(StateFileTest, ASymbolicLinkIsRefusedNotFollowed) {
  {
    auto f = open_ok(1, 2);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->save(state(1, 5, 2, {5, 0})));
  }
  const std::string kept = bytes();
  const std::string link = (dir_ / "link.state").string();
  const std::string dangling = (dir_ / "dangling.state").string();
  ASSERT_EQ(::symlink(path().c_str(), link.c_str()), 0);
  ASSERT_EQ(::symlink((dir_ / "elsewhere.state").c_str(), dangling.c_str()), 0);
  for (const std::string& p : {link, dangling}) {
    auto f = StateFile::open(p, 1, 2);
    ASSERT_EQ(f.index(), 1u) << p;
    const std::string e = std::get<1>(f);
    EXPECT_NE(e.find("state file " + p + ": is a symbolic link"), std::string::npos) << e;
    EXPECT_EQ(StateFile::check(p, 1, 2), e);
    EXPECT_TRUE(fs::is_symlink(p)) << p;
  }
  EXPECT_EQ(bytes(), kept);  // the file linked to is untouched
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere.state"));
}

// Whoever may write the folder may replace the state file in it (rename another over it), so the
// folder is judged as the file is: not writable by group or others unless sticky (as /tmp is:
// others can then not remove or rename our file), owned by this user, root or the user the daemon
// runs as. By the start and by --check-config, whether the file exists yet or not.
TEST_F(StateFileTest, AFolderOthersMayWriteIsRefused) {
  for (bool exists : {false, true}) {
    if (exists) {
      ASSERT_TRUE(open_ok(1, 2));
    }
    for (mode_t mode : {0777, 0775, 0757, 0770}) {
      ASSERT_EQ(::chmod(dir_.c_str(), mode), 0);
      const std::string e = open_error(1, 2);
      EXPECT_NE(e.find("state file " + path() + ": folder " + dir_.string() + ": permissions"), std::string::npos)
          << mode << ": " << e;
      EXPECT_NE(e.find("let group or others replace the state file in it"), std::string::npos) << mode << ": " << e;
      EXPECT_NE(e.find("chmod go-w " + dir_.string()), std::string::npos) << e;
      EXPECT_EQ(StateFile::check(path(), 1, 2), e);
      EXPECT_EQ(fs::exists(path()), exists);  // nothing created in it
    }
    for (mode_t mode : {01777, 01770, 0755, 0700}) {  // sticky, or only the owner writes
      ASSERT_EQ(::chmod(dir_.c_str(), mode), 0);
      EXPECT_EQ(StateFile::check(path(), 1, 2), std::nullopt) << mode;
      EXPECT_TRUE(open_ok(1, 2)) << mode;
    }
    fs::remove(path());
  }
  if (::geteuid() != 0) GTEST_SKIP() << "giving the folder another owner needs root";
  ASSERT_EQ(::chown(dir_.c_str(), 4242, 4242), 0);
  const std::string e = open_error(1, 2);
  EXPECT_NE(e.find("folder " + dir_.string() + ": owned by uid 4242, not by this user or root"), std::string::npos) << e;
  EXPECT_EQ(StateFile::check(path(), 1, 2), e);
  // The user a daemon started as root drops to may own it (the package's /var/lib/clocksyncd).
  EXPECT_EQ(StateFile::check(path(), 1, 2, 4242), std::nullopt);
  auto f = StateFile::open(path(), 1, 2, 4242);
  EXPECT_EQ(f.index(), 0u) << (f.index() == 1 ? std::get<1>(f) : "");
}

// As sshd's StrictModes judges the way to authorized_keys: whoever may write a folder above the
// state file's may rename the state file's folder away and put one of their own in its place, so
// every folder on the way is judged as the state file's own is (/tmp, sticky and root's, passes).
// Root's ownership excuses no write bit, so this means the same when the tests run as root.
TEST_F(StateFileTest, AFolderOnTheWayOthersMayWriteIsRefused) {
  const fs::path inner = dir_ / "var" / "lib";
  fs::create_directories(inner);
  ASSERT_EQ(::chmod((dir_ / "var").c_str(), 0755), 0);
  ASSERT_EQ(::chmod(inner.c_str(), 0700), 0);
  const std::string state_path = (inner / "node.state").string();
  for (bool exists : {false, true}) {
    if (exists) {
      auto f = StateFile::open(state_path, 1, 2);
      ASSERT_EQ(f.index(), 0u) << std::get<1>(f);
    }
    for (const fs::path& above : {dir_ / "var", dir_}) {
      for (mode_t mode : {0777, 0775, 0757}) {
        ASSERT_EQ(::chmod(above.c_str(), mode), 0);
        auto f = StateFile::open(state_path, 1, 2);
        ASSERT_EQ(f.index(), 1u) << above << " " << mode;
        const std::string e = std::get<1>(f);
        EXPECT_NE(e.find("state file " + state_path + ": folder " + above.string() + " (on the way to " +
                         inner.string() + "): permissions"),
                  std::string::npos)
            << e;
        EXPECT_NE(e.find("chmod go-w " + above.string()), std::string::npos) << e;
        EXPECT_EQ(StateFile::check(state_path, 1, 2), e);
        EXPECT_EQ(fs::exists(state_path), exists);  // nothing created below it
      }
      ASSERT_EQ(::chmod(above.c_str(), 01777), 0);  // sticky, as /tmp
      EXPECT_EQ(StateFile::check(state_path, 1, 2), std::nullopt) << above;
      ASSERT_EQ(::chmod(above.c_str(), 0755), 0);
    }
  }
  if (::geteuid() != 0) GTEST_SKIP() << "giving a folder another owner needs root";
  ASSERT_EQ(::chown((dir_ / "var").c_str(), 4242, 4242), 0);
  const auto e = StateFile::check(state_path, 1, 2);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("folder " + (dir_ / "var").string() + " (on the way to " + inner.string() +
                    "): owned by uid 4242, not by this user or root"),
            std::string::npos)
      << *e;
  EXPECT_EQ(StateFile::check(state_path, 1, 2, 4242), std::nullopt);  // the daemon's user's own folders
}

TEST_F(StateFileTest, CheckReadsWithoutCreatingAndWantsTheFolder) {
  EXPECT_EQ(StateFile::check(path(), 1, 2), std::nullopt);
  EXPECT_FALSE(fs::exists(path()));
  const auto e = StateFile::check((dir_ / "missing" / "node.state").string(), 1, 2);
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("does not exist"), std::string::npos) << *e;
}

}  // namespace
}  // namespace clocksim::daemon
