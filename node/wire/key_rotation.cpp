#include "node/wire/key_rotation.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

namespace clocksim::node::wire {

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string keep_key_id(const std::string& text, std::uint32_t key_id) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const auto words = words_of(line);
    const bool comment = words.empty() || words[0][0] == '#';
    // A key line's id is its second word; a rotation's comment ("# key id N (...)") its fourth.
    const std::size_t at = comment ? 3 : 1;
    const bool key_line = !comment && words.size() == 3;
    const bool rotation_note = comment && words.size() >= 4 && words[0] == "#" && words[1] == "key" && words[2] == "id";
    if (key_line || rotation_note) {
      std::uint32_t id = 0;
      const std::string& w = words[at];
      const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), id);
      if (ec == std::errc() && end == w.data() + w.size() && id != key_id) continue;
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::optional<std::string> replace_secret_file(const std::string& path, const std::string& text) {
  struct stat old {};
  if (::stat(path.c_str(), &old) != 0) return path + ": " + std::strerror(errno);
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
