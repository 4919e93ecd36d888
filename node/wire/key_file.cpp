#include "node/wire/key_file.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

#include "node/os/file_mode.hpp"

namespace clocksim::node::wire {

namespace {
// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

std::variant<Keyring, std::string> load_keyring_file(const std::string& path, std::optional<std::uint32_t> run_as_uid) {
  // O_NONBLOCK: a FIFO put where the key file was would block the open, and with it a reload
  // (SIGHUP) in the daemon's loop, until someone wrote to it; it is refused below instead.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (f.fd < 0) return path + ": cannot open key file: " + std::strerror(errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return path + ": cannot stat key file: " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return path + ": key file is not a regular file";
  if ((st.st_mode & 077) != 0) {
    return path + ": permissions " + mode_text(st.st_mode) +
           " are too open: a key file must be readable by its owner only (chmod 600 " + path + ")";
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0 && (!run_as_uid || st.st_uid != *run_as_uid)) {
    return path + ": key file is owned by uid " + std::to_string(st.st_uid) + ", not by this user or root" +
           (run_as_uid ? " or the user the daemon runs as (uid " + std::to_string(*run_as_uid) + ")" : std::string());
  }
  constexpr off_t kMaxBytes = 1 << 20;
  if (st.st_size > kMaxBytes) return path + ": key file is larger than 1 MiB";
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return parse_keyring_text(text, path);
}

std::string random_key_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  for (;;) {
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    if (!key_weakness(raw)) break;  // astronomically rare; never hand out a key we would refuse
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::vector<std::string> pairwise_keyrings(const std::vector<NodeId>& ids, std::uint32_t key_id, bool accept_only) {
  std::map<std::pair<NodeId, NodeId>, std::string> pair_key;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      pair_key[{std::min(ids[i], ids[j]), std::max(ids[i], ids[j])}] = random_key_hex(32);
    }
  }
  std::vector<std::string> out;
  for (NodeId self : ids) {
    std::string text = "# clocksyncd keyring of node " + std::to_string(self) +
                       ": PEER_ID KEY_ID KEY (keep secret: mode 0600)\n";
    for (NodeId peer : ids) {
      if (peer == self) continue;
      text += std::to_string(peer) + " " + std::to_string(key_id) + " " +
              pair_key[{std::min(self, peer), std::max(self, peer)}] + (accept_only ? " accept-only\n" : "\n");
    }
    out.push_back(std::move(text));
  }
  return out;
}

std::optional<std::string> write_secret_file(const std::string& path, const std::string& text, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL);
  Fd f{::open(path.c_str(), flags, 0600)};
  if (f.fd < 0) return path + ": cannot create: " + std::strerror(errno);
  // An existing file keeps its mode under O_TRUNC; a secret must not stay readable by others.
  if (::fchmod(f.fd, 0600) != 0) return path + ": chmod 600: " + std::strerror(errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(f.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return path + ": write failed: " + std::strerror(errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(f.fd) != 0) return path + ": fsync: " + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> replace_secret_file(const std::string& link_or_path, const std::string& text) {
  // A key file reached through a symbolic link (a secrets volume) is replaced where it is, and
  // the link stays: renaming over the link would turn it into a file of its own.
  char* resolved = ::realpath(link_or_path.c_str(), nullptr);
  if (resolved == nullptr) return link_or_path + ": " + std::strerror(errno);
  const std::string path = resolved;
  std::free(resolved);
  struct stat old {};
  if (::stat(path.c_str(), &old) != 0) return path + ": " + std::strerror(errno);
  if (!S_ISREG(old.st_mode)) return path + ": not a regular file";
  const std::string temp = path + ".new." + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    const std::string message = temp + ": " + what + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return std::optional<std::string>(message);
  };
  {
    Fd f{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (f.fd < 0) return temp + ": cannot create: " + std::strerror(errno);
    if (::fchmod(f.fd, 0600) != 0) return fail("chmod 600");
    if ((old.st_uid != ::geteuid() || old.st_gid != ::getegid()) && ::fchown(f.fd, old.st_uid, old.st_gid) != 0) {
      return fail("cannot give it the owner of " + path);
    }
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(f.fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail("write failed");
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0) return fail("fsync");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("rename to " + path);
  return std::nullopt;
}

}  // namespace clocksim::node::wire
