#include "daemon/loop/endpoint.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clocksim::daemon {

std::variant<Endpoint, std::string> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return "'" + text + "': expected host:port (e.g. 127.0.0.1:5525)";
  }
  const std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  std::uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) return "'" + text + "': port must be a number 0..65535";
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return "'" + text + "': port must be a number 0..65535";

  Endpoint ep;
  ep.text = text;
  ep.addr.sin_family = AF_INET;
  ep.addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &ep.addr.sin_addr) == 1) return ep;

  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) return "'" + text + "': cannot resolve host '" + host + "': " + gai_strerror(rc);
  ep.addr.sin_addr = reinterpret_cast<const sockaddr_in*>(res->ai_addr)->sin_addr;
  freeaddrinfo(res);
  return ep;
}

std::variant<Endpoint, std::string> parse_destination(const std::string& text) {
  auto ep = parse_endpoint(text);
  if (const auto* e = std::get_if<Endpoint>(&ep); e && e->addr.sin_port == 0) {
    return "'" + text + "': port 0 is no destination; give the port the other end listens on";
  }
  return ep;
}

std::string endpoint_to_string(const sockaddr_in& addr) {
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &addr.sin_addr, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(ntohs(addr.sin_port));
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) ::close(fd_);
}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

std::variant<UdpSocket, std::string> UdpSocket::unbound() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  return UdpSocket(fd);
}

std::variant<UdpSocket, std::string> UdpSocket::bind_to(const Endpoint& at) {
  auto s = unbound();
  if (auto* err = std::get_if<std::string>(&s)) return *err;
  UdpSocket sock = std::move(std::get<UdpSocket>(s));
  if (::bind(sock.fd_, reinterpret_cast<const sockaddr*>(&at.addr), sizeof at.addr) != 0) {
    return "cannot bind " + at.text + ": " + std::strerror(errno);
  }
  return sock;
}

std::uint16_t UdpSocket::local_port() const {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.sin_port);
}

bool UdpSocket::send_to(std::span<const std::uint8_t> bytes, const sockaddr_in& to) const {
  const ssize_t n = ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  return n == static_cast<ssize_t>(bytes.size());
}

}  // namespace clocksim::daemon
