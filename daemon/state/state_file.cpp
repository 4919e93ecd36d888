#include "daemon/state/state_file.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/os/boot_id.hpp"
#include "daemon/os/folder_trust.hpp"
#include "node/os/file_mode.hpp"

namespace clocksim::daemon {
namespace {

constexpr char kMagic[8] = {'C', 'S', 'D', 'S', 'T', 'A', 'T', '1'};
constexpr std::size_t kHeaderBytes = 8 + 8 + 4 + 32;
// A file larger than this is not one of ours (a cluster of 10^5 members needs about 4 MB).
constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;
constexpr std::uint64_t kRenumberGeneration = std::uint64_t{1} << 62;
constexpr std::uint64_t kMaxEntry = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

using Digest = std::array<unsigned char, 32>;

std::string errno_text() { return std::strerror(errno); }

// The clock window at its widest: its boot id and width, and every slot of the window holding a
// slice whose numbers are at their widest
// ("[-9223372036854775808,18446744073709551615,-9223372036854775807],").
constexpr std::size_t kWindowTextBytes = 128 + 66 * PanicWindow::kSliceSlots;

// Every layout, of every version, gives each copy whole pages of this size: a file of any other
// size was cut short (or never ours), and its first half may hold its older copy whole.
constexpr std::size_t kPageBytes = 4096;

// Room for the text of any record of a cluster this size: every number at its widest.
std::size_t copy_bytes_for(std::size_t members) {
  const std::size_t need = kHeaderBytes + 256 + kWindowTextBytes + 21 * members;
  return (need + kPageBytes - 1) / kPageBytes * kPageBytes;
}

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

Digest digest_of(const char* covered, std::size_t covered_bytes, const std::string& text) {
  Digest d{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, covered, covered_bytes) == 1 &&
                  EVP_DigestUpdate(ctx, text.data(), text.size()) == 1 && EVP_DigestFinal_ex(ctx, d.data(), &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) d.fill(0);  // never matches a stored digest: the copy reads as damaged
  return d;
}

nlohmann::json window_json(const PanicWindowState& w) {
  nlohmann::json slices = nlohmann::json::array();
  for (const auto& s : w.slices) slices.push_back(nlohmann::json::array({s.index, s.moved_ns, s.net_ns}));
  return {{"boot_id", boot_id_text(w.boot)}, {"slice_width_ns", w.slice_width_ns}, {"slices", std::move(slices)}};
}

// One copy of the record, padded to `copy_bytes`.
std::string encode_copy(const StableState& s, NodeId self, std::size_t members, std::uint64_t epoch,
                        std::uint64_t generation, std::size_t copy_bytes) {
  const nlohmann::json j = {{"node", self},
                            {"members", members},
                            {"elections_started", s.elections_started},
                            {"lamport", s.logical.lamport},
                            {"next_message_id", s.logical.next_message_id},
                            {"vector", s.logical.vector},
                            {"epoch", epoch},
                            {"clock_window", window_json(s.clock_window)}};
  const std::string text = j.dump();
  std::string out(kMagic, sizeof kMagic);
  put_le(out, generation, 8);
  put_le(out, text.size(), 4);
  const Digest d = digest_of(out.data() + 8, 12, text);
  out.append(reinterpret_cast<const char*>(d.data()), d.size());
  out += text;
  out.resize(std::max(out.size(), copy_bytes), '\0');
  return out;
}

struct Copy {
  std::uint64_t generation = 0;
  StableState state;
  std::uint64_t epoch = 0;
  int half = 0;  // which half of the file holds it
};

// `key` of the record as an unsigned integer up to `max`, or what is wrong with it (naming it).
std::variant<std::uint64_t, std::string> unsigned_field(const nlohmann::json& j, const char* key, std::uint64_t max) {
  const auto it = j.find(key);
  if (it == j.end()) return std::string(key) + " is missing";
  if (!it->is_number_unsigned() || it->get<std::uint64_t>() > max) {
    return std::string(key) + " is not an unsigned integer up to " + std::to_string(max);
  }
  return it->get<std::uint64_t>();
}

struct Parsed {
  Copy copy;
  std::uint64_t node = 0;
  std::string text;  // as stored, to tell two copies of one generation apart
  // What is wrong with the record of an intact copy (its checksum holds, so a writer meant it):
  // refused by load() when it is the newest copy, never passed over for the older one, whose
  // record is older (a lower Lamport clock, an epoch a run may have used, a clock window without
  // the latest correction).
  std::optional<std::string> fault;
};

std::optional<std::int64_t> signed_value(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > kMaxEntry) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

// The clock guard's window as written by window_json(), or which field is wrong. Only the syntax
// and the ranges are judged here: slices from the future, of another width or another boot are
// read by the guard's rules (algorithms/core/panic_window.hpp).
std::variant<PanicWindowState, std::string> parse_window(const nlohmann::json& j) {
  if (!j.is_object()) return std::string("clock_window is not an object");
  PanicWindowState w;
  const auto boot = j.find("boot_id");
  if (boot == j.end() || !boot->is_string()) return std::string("clock_window.boot_id is missing or not a string");
  const auto id = parse_boot_id(boot->get<std::string>());
  if (!id) return std::string("clock_window.boot_id is not a boot id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  w.boot = *id;
  const auto width = j.find("slice_width_ns");
  const auto width_ns = width == j.end() ? std::nullopt : signed_value(*width);
  if (!width_ns || *width_ns < 0) return std::string("clock_window.slice_width_ns is missing or out of range");
  w.slice_width_ns = *width_ns;
  const auto slices = j.find("slices");
  if (slices == j.end() || !slices->is_array()) return std::string("clock_window.slices is missing or not a list");
  if (slices->size() > static_cast<std::size_t>(PanicWindow::kSliceSlots)) {
    return "clock_window.slices has " + std::to_string(slices->size()) + " entries, at most " +
           std::to_string(PanicWindow::kSliceSlots);
  }
  if (!slices->empty() && w.slice_width_ns == 0) return std::string("clock_window.slice_width_ns is 0 beside slices");
  for (std::size_t i = 0; i < slices->size(); ++i) {
    const nlohmann::json& e = (*slices)[i];
    const std::string where = "clock_window.slices[" + std::to_string(i) + "]";
    // A pair is a slice written before nets were kept: no net, so nothing of it can be undone.
    if (!e.is_array() || e.size() < 2 || e.size() > 3) return where + " is not [index, moved_ns, net_ns]";
    const auto index = signed_value(e[0]);
    if (!index) return where + ": its index is not an int64";
    if (!e[1].is_number_unsigned()) {
      return where + ": its moved_ns is " + (e[1].is_number_integer() ? "negative" : "not an unsigned 64-bit integer");
    }
    const std::uint64_t moved = e[1].get<std::uint64_t>();
    std::int64_t net = 0;
    if (e.size() == 3) {
      const auto n = signed_value(e[2]);
      if (!n) return where + ": its net_ns is not an int64";
      if (abs_u64(*n) > moved) return where + ": its net_ns is larger than its moved_ns";
      net = *n;
    }
    w.slices.push_back({*index, moved, net});
  }
  return w;
}

// The record's text as JSON, or why it is not one: a key repeated within an object is refused
// (a parser would silently keep one of the two values).
std::variant<nlohmann::json, std::string> parse_record(const std::string& text) {
  std::vector<std::vector<std::string>> keys;  // per open object, the keys seen so far
  std::optional<std::string> repeated;
  const nlohmann::json::parser_callback_t note = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end && !keys.empty()) keys.pop_back();
    if (event == E::key && !keys.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      auto& seen = keys.back();
      if (std::find(seen.begin(), seen.end(), key) != seen.end() && !repeated) repeated = key;
      seen.push_back(key);
    }
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(text, note, false);
  if (j.is_discarded() || !j.is_object()) return std::string("record is not a JSON object");
  if (repeated) return "record repeats the key " + nlohmann::json(*repeated).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return j;
}

// One intact copy, or why it is not: a copy that is damaged (torn, not ours) gives way to the
// other one; a copy whose checksum holds but whose record is not what a run writes is returned
// with its fault, judged by the caller. `max_text` is the longest record a run of this cluster
// writes: anything longer is not parsed at all (a deeply nested text of tens of megabytes would
// cost a start seconds and gigabytes).
std::variant<Parsed, std::string> decode_copy(const char* p, std::size_t bytes, std::size_t max_text) {
  if (bytes < kHeaderBytes || std::memcmp(p, kMagic, sizeof kMagic) != 0) return std::string("no record");
  Parsed r;
  r.copy.generation = get_le(p + 8, 8);
  const std::uint64_t length = get_le(p + 16, 4);
  if (length > bytes - kHeaderBytes) return std::string("record longer than its half of the file");
  r.text.assign(p + kHeaderBytes, length);
  const Digest d = digest_of(p + 8, 12, r.text);
  if (std::memcmp(d.data(), p + 20, d.size()) != 0) return std::string("checksum mismatch (a torn or altered write)");
  if (length > max_text) {
    r.fault = "record is " + std::to_string(length) + " bytes, longer than any record of this cluster (at most " +
              std::to_string(max_text) + "; a larger cluster's, if the membership shrank)";
    return r;
  }
  auto parsed = parse_record(r.text);
  if (auto* e = std::get_if<std::string>(&parsed)) {
    r.fault = *e;
    return r;
  }
  const nlohmann::json& j = std::get<nlohmann::json>(parsed);
  const auto node = unsigned_field(j, "node", std::numeric_limits<NodeId>::max());
  const auto elections = unsigned_field(j, "elections_started", std::numeric_limits<std::uint32_t>::max());
  const auto lamport = unsigned_field(j, "lamport", kMaxEntry);
  const auto next_id = unsigned_field(j, "next_message_id", std::numeric_limits<std::uint32_t>::max());
  for (const auto* f : {&node, &elections, &lamport, &next_id}) {
    if (const auto* e = std::get_if<std::string>(f)) {
      r.fault = *e;
      return r;
    }
  }
  const auto vector = j.find("vector");
  if (vector == j.end() || !vector->is_array()) {
    r.fault = "vector is missing or not a list";
    return r;
  }
  // Written by every save since the epoch is kept; a file from before reads as no epoch kept. The
  // largest value is refused here rather than at begin_run: no run after it could have a higher
  // one, which is the file's fault (exit 2, and --check-config says so).
  if (j.contains("epoch")) {
    const auto epoch = unsigned_field(j, "epoch", std::numeric_limits<std::uint64_t>::max() - 1);
    if (const auto* e = std::get_if<std::string>(&epoch)) {
      const bool at_top = j["epoch"].is_number_unsigned();  // anything else is out of range below it
      r.fault = *e + (at_top ? " (at the largest value no later run could have a higher one)" : "");
      return r;
    }
    r.copy.epoch = std::get<std::uint64_t>(epoch);
  }
  // Written by every save since the clock guard's window is kept; a file from before reads as a
  // window with nothing counted.
  if (const auto window = j.find("clock_window"); window != j.end()) {
    auto w = parse_window(*window);
    if (auto* e = std::get_if<std::string>(&w)) {
      r.fault = *e + " (refused rather than forget the clock corrections it counts: moving the file away also forgets them)";
      return r;
    }
    r.copy.state.clock_window = std::move(std::get<PanicWindowState>(w));
  }
  for (std::size_t i = 0; i < vector->size(); ++i) {
    const nlohmann::json& e = (*vector)[i];
    if (!e.is_number_unsigned() || e.get<std::uint64_t>() > kMaxEntry) {
      r.fault = "vector[" + std::to_string(i) + "] is not an unsigned integer up to " + std::to_string(kMaxEntry);
      return r;
    }
    r.copy.state.logical.vector.push_back(e.get<std::uint64_t>());
  }
  r.node = std::get<std::uint64_t>(node);
  r.copy.state.elections_started = static_cast<std::uint32_t>(std::get<std::uint64_t>(elections));
  r.copy.state.logical.lamport = std::get<std::uint64_t>(lamport);
  r.copy.state.logical.next_message_id = static_cast<std::uint32_t>(std::get<std::uint64_t>(next_id));
  return r;
}

// Why the newest record cannot be this node's in this cluster, if it cannot. Never a fall-back to
// the older copy: it would turn the clocks back.
std::optional<std::string> mismatch(const Parsed& r, NodeId self, std::size_t members) {
  if (r.node != self) return "it belongs to node " + std::to_string(r.node) + ", not node " + std::to_string(self);
  const auto& v = r.copy.state.logical.vector;
  if (!v.empty() && v.size() != members) {
    return "its vector clock has " + std::to_string(v.size()) + " entries, the cluster " + std::to_string(members) +
           " members (the membership changed)";
  }
  return std::nullopt;
}

struct Loaded {
  std::optional<Copy> newest;  // none: a first run (no file, or an empty one)
  bool laid_out = false;       // the file already has this cluster's layout
  int newest_half = 0;
};

std::string fault(const std::string& path, const std::string& what) {
  return "state file " + path + ": " + what +
         "; move it away to start this node from zero (its peers then drop its logical-clock messages "
         "until its message ids pass the old ones)";
}

// Who may change the state file, as the key file is judged (node/wire/key_file.hpp): whoever can
// rewrite it can empty the clock window (a liar's fresh budget), lower the Lamport clock or stop
// the node with an epoch at the top of its range. Reading it reveals nothing secret, so only write
// permission for group or others is refused.
std::optional<std::string> writer_problem(const std::string& path, const struct stat& st,
                                          std::optional<std::uint32_t> run_as_uid) {
  if ((st.st_mode & 022) != 0) {
    return "state file " + path + ": permissions " + node::mode_text(st.st_mode) +
           " let group or others write it, and so reset what it keeps (chmod 600 " + path + ")";
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0 && (!run_as_uid || st.st_uid != *run_as_uid)) {
    return "state file " + path + ": owned by uid " + std::to_string(st.st_uid) + ", not by this user or root" +
           (run_as_uid ? " or the user the daemon runs as (uid " + std::to_string(*run_as_uid) + ")" : std::string()) +
           ", who could reset what it keeps";
  }
  return std::nullopt;
}

// The folder of the state file and the way to it (daemon/os/folder_trust.hpp): whoever may write
// either may put a file of their own in the state file's place. A folder that does not exist is
// left to the caller (check() names it, open() cannot create the file there). It is the folder a
// path names, links followed: the one the file is created and renamed in.
std::optional<std::string> folder_problem(const std::string& path, std::optional<std::uint32_t> run_as_uid) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (auto e = folder_trust_problem(dir.empty() ? std::string(".") : dir, "the state file", run_as_uid)) {
    return "state file " + path + ": " + *e;
  }
  return std::nullopt;
}

// A link is refused rather than followed: whoever may change the link (or what it points at)
// chooses which file the daemon reads and writes, past the checks on the file's own folder.
std::string symlink_problem(const std::string& path) {
  return "state file " + path + ": is a symbolic link; give the path of the file itself";
}

std::variant<Loaded, std::string> load(const std::string& path, NodeId self, std::size_t members,
                                       std::optional<std::uint32_t> run_as_uid) {
  if (auto e = folder_problem(path, run_as_uid)) return *e;
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for good (and
  // with the signals blocked for the signalfd, not even SIGTERM would end it). The type is
  // checked before anything is read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Loaded{};
    const int err = errno;
    struct stat link {};
    if (err == ELOOP && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) return symlink_problem(path);
    return "state file " + path + ": cannot read it: " + std::strerror(err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return "state file " + path + ": not a regular file";
  }
  if (auto e = writer_problem(path, st, run_as_uid)) {
    ::close(fd);
    return *e;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Loaded{};
  }
  if (size > kMaxFileBytes || size % (2 * kPageBytes) != 0) {
    ::close(fd);
    return fault(path, "not a clocksyncd state file (" + std::to_string(size) + " bytes, not two copies of whole " +
                           std::to_string(kPageBytes) + "-byte pages: cut short, or another file)");
  }
  std::vector<char> bytes(size);
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, bytes.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return "state file " + path + ": cannot read it: " + (n < 0 ? errno_text() : std::string("it shrank"));
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  const std::size_t half = size / 2;
  std::optional<Parsed> newest;
  std::string why[2];
  for (int i = 0; i < 2; ++i) {
    auto c = decode_copy(bytes.data() + i * half, half, copy_bytes_for(members) - kHeaderBytes);
    if (auto* e = std::get_if<std::string>(&c)) {
      why[i] = *e;
      continue;
    }
    Parsed& parsed = std::get<Parsed>(c);
    parsed.copy.half = i;
    // Two intact copies of one generation are never written (each save is one above the last):
    // which of them is the later is unknown, and either may hold the lower clocks.
    if (newest && parsed.copy.generation == newest->copy.generation && parsed.text != newest->text) {
      return fault(path, "both copies are generation " + std::to_string(parsed.copy.generation) +
                             " and their records differ (neither is known to be the later)");
    }
    if (!newest || parsed.copy.generation > newest->copy.generation) newest = std::move(parsed);
  }
  if (!newest) return fault(path, "neither copy is intact (first: " + why[0] + "; second: " + why[1] + ")");
  if (newest->fault) return fault(path, "its newest copy (generation " + std::to_string(newest->copy.generation) + "): " + *newest->fault);
  if (auto e = mismatch(*newest, self, members)) return fault(path, *e);
  const int newest_half = newest->copy.half;
  return Loaded{std::move(newest->copy), half == copy_bytes_for(members), newest_half};
}

bool write_all(int fd, const std::string& bytes, off_t at) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, at + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Writes a new file with both copies holding `state` (generation g + 1 in the first half, g + 2,
// the newest, in the second) beside `path` and renames it over `path`: an interrupted layout
// leaves the old file as it was.
std::optional<std::string> lay_out(const std::string& path, NodeId self, std::size_t members, const StableState& state,
                                   std::uint64_t epoch, std::uint64_t generation) {
  const std::size_t copy_bytes = copy_bytes_for(members);
  const std::string tmp = path + ".new";
  // A fresh file of our own: whatever is left at that name (a stale copy, a link planted to
  // make the daemon write elsewhere, a FIFO) is removed, not written through.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) {
    return "state file " + path + ": cannot remove " + tmp + ": " + errno_text();
  }
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return "state file " + path + ": cannot create " + tmp + ": " + errno_text();
  const std::string bytes = encode_copy(state, self, members, epoch, generation + 1, copy_bytes) +
                            encode_copy(state, self, members, epoch, generation + 2, copy_bytes);
  const bool ok = write_all(fd, bytes, 0) && ::fsync(fd) == 0;
  const std::string err = ok ? std::string() : errno_text();
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = ok ? errno_text() : err;
    ::unlink(tmp.c_str());
    return "state file " + path + ": cannot write it: " + why;
  }
  // The rename itself reaches the disk with the directory.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> StateFile::check(const std::string& path, NodeId self, std::size_t members,
                                            std::optional<std::uint32_t> run_as_uid) {
  auto loaded = load(path, self, members, run_as_uid);
  if (auto* e = std::get_if<std::string>(&loaded)) return *e;
  // The start opens the file for writing, or creates it in its folder, before it drops
  // privileges: so may this process (access() reports a read-only file system to root too).
  if (!std::get<Loaded>(loaded).newest) {
    // A first run creates it: the folder must be there.
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
      return "state file " + path + ": folder " + dir.string() + " does not exist";
    }
    const std::string folder = dir.empty() ? std::string(".") : dir.string();
    if (::access(folder.c_str(), W_OK | X_OK) != 0) {
      return "state file " + path + ": cannot create it in " + folder + ": " + errno_text();
    }
  } else if (::access(path.c_str(), R_OK | W_OK) != 0) {
    return "state file " + path + ": cannot write it: " + errno_text();
  }
  return std::nullopt;
}

std::variant<std::unique_ptr<StateFile>, std::string> StateFile::open(const std::string& path, NodeId self,
                                                                       std::size_t members,
                                                                       std::optional<std::uint32_t> run_as_uid) {
  auto loaded = load(path, self, members, run_as_uid);
  if (auto* e = std::get_if<std::string>(&loaded)) return *e;
  Loaded& l = std::get<Loaded>(loaded);
  const StableState state = l.newest ? l.newest->state : StableState{};
  const std::uint64_t epoch = l.newest ? l.newest->epoch : 0;
  std::uint64_t generation = l.newest ? l.newest->generation : 0;
  // Generations only grow, and a start reads the higher one: a save past the largest would wrap
  // to 0, and the next start would read the copy it was meant to replace. No run saves 2^62
  // times; a file this high was made so, and is numbered afresh, both copies holding its record.
  const bool renumber = generation >= kRenumberGeneration;
  if (renumber) generation = 0;
  if (!l.laid_out || renumber) {
    if (auto e = lay_out(path, self, members, state, epoch, generation)) return *e;
    generation += 2;
    l.newest_half = 1;
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ELOOP) return symlink_problem(path);  // replaced by a link since it was read
    return "state file " + path + ": cannot open it for writing: " + errno_text();
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {  // replaced since it was read
    ::close(fd);
    return "state file " + path + ": not a regular file";
  }
  // One process per state file: two daemons saving in turn would each overwrite what the other
  // kept, and a restart would read whichever saved last. The lock lasts as long as the file is
  // open (the process's life), and dies with it.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = errno == EWOULDBLOCK ? std::string("another process (a clocksyncd of the same node?) uses it")
                                                 : errno_text();
    ::close(fd);
    return "state file " + path + ": " + why;
  }
  auto file = std::unique_ptr<StateFile>(new StateFile(path, fd, self, members, copy_bytes_for(members)));
  file->generation_ = generation;
  file->newest_half_ = l.newest_half;
  file->saved_ = state;
  file->epoch_ = epoch;
  return file;
}

StateFile::~StateFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::variant<std::uint64_t, std::string> StateFile::begin_run(std::int64_t wall_ns) {
  const std::uint64_t wall = static_cast<std::uint64_t>(std::max<std::int64_t>(wall_ns, 1));
  if (epoch_ == std::numeric_limits<std::uint64_t>::max()) {
    return fault(path_, "its epoch is at the largest value, no later run can have a higher one");
  }
  const std::uint64_t chosen = std::max(wall, epoch_ + 1);
  const std::uint64_t before = epoch_;
  epoch_ = chosen;
  if (!save(saved_)) {
    epoch_ = before;
    return "state file " + path_ + ": cannot keep this run's epoch: " + last_error_;
  }
  return chosen;
}

bool StateFile::save(const StableState& state) {
  const std::uint64_t generation = generation_ + 1;
  const std::string copy = encode_copy(state, self_, members_, epoch_, generation, copy_bytes_);
  if (copy.size() > copy_bytes_) {
    last_error_ = "the record outgrew its room (" + std::to_string(copy.size()) + " bytes)";
    return false;
  }
  // Over the older copy: a torn write leaves the newest intact.
  const int half = 1 - newest_half_;
  if (!write_all(fd_, copy, static_cast<off_t>(half) * static_cast<off_t>(copy_bytes_)) || ::fdatasync(fd_) != 0) {
    last_error_ = "write to " + path_ + " failed: " + errno_text();
    return false;
  }
  newest_half_ = half;
  generation_ = generation;
  saved_ = state;
  return true;
}

}  // namespace clocksim::daemon
