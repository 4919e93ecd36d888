#include "daemon/loop/endpoint.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace clocksim::daemon {

namespace {

const sockaddr_in& v4(const sockaddr_storage& s) { return *reinterpret_cast<const sockaddr_in*>(&s); }
const sockaddr_in6& v6(const sockaddr_storage& s) { return *reinterpret_cast<const sockaddr_in6*>(&s); }

std::optional<std::uint16_t> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  std::uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::optional<SocketAddress> SocketAddress::from(const sockaddr_storage& storage, socklen_t length) {
  SocketAddress a;
  if (storage.ss_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    a.length_ = sizeof(sockaddr_in);
  } else if (storage.ss_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    a.length_ = sizeof(sockaddr_in6);
  } else {
    return std::nullopt;
  }
  std::memcpy(&a.storage_, &storage, a.length_);
  return a;
}

std::uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(v4(storage_).sin_port);
  if (family() == AF_INET6) return ntohs(v6(storage_).sin6_port);
  return 0;
}

void SocketAddress::set_port(std::uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

bool SocketAddress::is_loopback() const {
  if (family() == AF_INET) return (ntohl(v4(storage_).sin_addr.s_addr) >> 24) == 127;
  if (family() != AF_INET6) return false;
  const in6_addr& a = v6(storage_).sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
  return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
}

bool SocketAddress::is_ipv4_mapped() const {
  return family() == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&v6(storage_).sin6_addr);
}

SocketAddress SocketAddress::unmapped() const {
  if (!is_ipv4_mapped()) return *this;
  SocketAddress m;
  sockaddr_in& out = *reinterpret_cast<sockaddr_in*>(&m.storage_);
  out.sin_family = AF_INET;
  out.sin_port = v6(storage_).sin6_port;
  std::memcpy(&out.sin_addr.s_addr, &v6(storage_).sin6_addr.s6_addr[12], 4);
  m.length_ = sizeof(sockaddr_in);
  return m;
}

std::uint32_t SocketAddress::ntp_reference_id() const {
  if (family() == AF_INET) return ntohl(v4(storage_).sin_addr.s_addr);
  if (family() != AF_INET6) return 0;
  const in6_addr& a = v6(storage_).sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a)) {
    return (std::uint32_t(a.s6_addr[12]) << 24) | (std::uint32_t(a.s6_addr[13]) << 16) |
           (std::uint32_t(a.s6_addr[14]) << 8) | std::uint32_t(a.s6_addr[15]);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(a.s6_addr, sizeof a.s6_addr, digest.data(), &length, EVP_md5(), nullptr) != 1 || length < 4) return 0;
  return (std::uint32_t(digest[0]) << 24) | (std::uint32_t(digest[1]) << 16) | (std::uint32_t(digest[2]) << 8) |
         std::uint32_t(digest[3]);
}

std::string SocketAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &v4(storage_).sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &v6(storage_).sin6_addr, buf, sizeof buf);
    std::string host = buf;
    if (const std::uint32_t scope = v6(storage_).sin6_scope_id; scope != 0) {
      char name[IF_NAMESIZE] = {};
      host += "%" + std::string(if_indextoname(scope, name) ? name : std::to_string(scope).c_str());
    }
    return "[" + host + "]:" + std::to_string(port());
  }
  return "?";
}

bool SocketAddress::is_ipv6_any() const {
  return family() == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&v6(storage_).sin6_addr);
}

bool SocketAddress::is_any() const {
  return is_ipv6_any() || (family() == AF_INET && v4(storage_).sin_addr.s_addr == htonl(INADDR_ANY));
}

bool SocketAddress::binds_same_port_as(const SocketAddress& other) const {
  if (port() == 0 || port() != other.port()) return false;
  const auto is_ipv4_any = [](const SocketAddress& a) {
    return a.family() == AF_INET && v4(a.storage_).sin_addr.s_addr == htonl(INADDR_ANY);
  };
  for (const auto& [wild, any] : {std::pair{this, &other}, std::pair{&other, this}}) {
    if (wild->is_ipv6_any()) return true;
    if (is_ipv4_any(*wild) && any->family() == AF_INET) return true;
  }
  return mapped_to_ipv6() == other.mapped_to_ipv6();
}

SocketAddress SocketAddress::mapped_to_ipv6() const {
  if (family() != AF_INET) return *this;
  SocketAddress m;
  sockaddr_in6& out = *reinterpret_cast<sockaddr_in6*>(&m.storage_);
  out.sin6_family = AF_INET6;
  out.sin6_port = v4(storage_).sin_port;
  out.sin6_addr.s6_addr[10] = 0xff;
  out.sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(&out.sin6_addr.s6_addr[12], &v4(storage_).sin_addr.s_addr, 4);
  m.length_ = sizeof(sockaddr_in6);
  return m;
}

bool operator==(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    return v4(a.storage_).sin_addr.s_addr == v4(b.storage_).sin_addr.s_addr && v4(a.storage_).sin_port == v4(b.storage_).sin_port;
  }
  if (a.family() == AF_INET6) {
    const sockaddr_in6 &x = v6(a.storage_), &y = v6(b.storage_);
    return std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0 && x.sin6_port == y.sin6_port &&
           x.sin6_scope_id == y.sin6_scope_id;
  }
  return true;
}

std::variant<Endpoint, std::string> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return "'" + text + "': expected host:port (e.g. 127.0.0.1:5525 or [::1]:5525)";
  }
  std::string host = text.substr(0, colon);
  const std::optional<std::uint16_t> port = parse_port(text.substr(colon + 1));
  if (!port) return "'" + text + "': port must be a number 0..65535";
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return "'" + text + "': write an IPv6 address in brackets, e.g. [::1]:5525";
  }
  if (host.empty()) return "'" + text + "': expected host:port (e.g. 127.0.0.1:5525 or [::1]:5525)";

  addrinfo hints{};
  hints.ai_family = bracketed ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  if (bracketed) hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || res == nullptr) {
    if (bracketed) return "'" + text + "': '" + host + "' is not an IPv6 address";
    return "'" + text + "': cannot resolve host '" + host + "': " + gai_strerror(rc);
  }
  // A name with both kinds of address takes its IPv4 one: the same choice on every host,
  // whatever the resolver's order.
  const addrinfo* pick = res;
  for (const addrinfo* r = res; r != nullptr; r = r->ai_next) {
    if (r->ai_family == AF_INET) {
      pick = r;
      break;
    }
  }
  Endpoint ep;
  ep.text = text;
  sockaddr_storage storage{};
  std::memcpy(&storage, pick->ai_addr, std::min<std::size_t>(pick->ai_addrlen, sizeof storage));
  const auto address = SocketAddress::from(storage, static_cast<socklen_t>(pick->ai_addrlen));
  freeaddrinfo(res);
  if (!address) return "'" + text + "': '" + host + "' is neither an IPv4 nor an IPv6 address";
  ep.addr = *address;
  ep.addr.set_port(*port);
  return ep;
}

std::variant<Endpoint, std::string> parse_bind_address(const std::string& text) {
  auto ep = parse_endpoint(text);
  if (const auto* e = std::get_if<Endpoint>(&ep); e && e->addr.is_ipv4_mapped()) {
    return "'" + text + "': an IPv4-mapped IPv6 address cannot be bound (a socket bound to a given IPv6 address "
           "speaks IPv6 only); write it as " + e->addr.unmapped().to_string() + ", or bind [::]:" +
           std::to_string(e->addr.port()) + " to speak both IP versions";
  }
  return ep;
}

std::variant<Endpoint, std::string> parse_destination(const std::string& text) {
  auto ep = parse_endpoint(text);
  if (const auto* e = std::get_if<Endpoint>(&ep); e && e->addr.port() == 0) {
    return "'" + text + "': port 0 is no destination; give the port the other end listens on";
  }
  return ep;
}

std::variant<Endpoint, std::string> reachable_from(const Endpoint& local, const Endpoint& remote) {
  if (local.addr.family() == remote.addr.family()) return remote;
  if (local.addr.is_ipv6_any() && remote.addr.family() == AF_INET) {
    Endpoint mapped = remote;
    mapped.addr = remote.addr.mapped_to_ipv6();
    return mapped;
  }
  auto version = [](const Endpoint& e) { return e.addr.family() == AF_INET6 ? "IPv6" : "IPv4"; };
  return remote.text + " is " + version(remote) + " but " + local.text + ", the socket it is reached from, is " +
         version(local) + (local.addr.family() == AF_INET6 ? " only" : "") +
         "; give addresses of one IP version, or bind to [::] to speak both";
}

std::optional<SocketAddress> local_address_toward(const SocketAddress& remote) {
  // An IPv4 destination as IPv4 (a mapped one too), so the answer does not depend on whether IPv6
  // sockets may speak IPv4 on this host.
  const SocketAddress to = remote.unmapped();
  const int fd = ::socket(to.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  std::optional<SocketAddress> local;
  if (::connect(fd, to.get(), to.size()) == 0) {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) local = SocketAddress::from(a, len);
  }
  ::close(fd);
  return local;
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

std::variant<UdpSocket, std::string> UdpSocket::unbound(int family) {
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  return UdpSocket(fd);
}

std::variant<UdpSocket, std::string> UdpSocket::bind_to(const Endpoint& at) {
  auto s = unbound(at.addr.family());
  if (auto* err = std::get_if<std::string>(&s)) return "cannot bind " + at.text + ": " + *err;
  UdpSocket sock = std::move(std::get<UdpSocket>(s));
  if (at.addr.family() == AF_INET6) {
    // The wildcard [::] takes IPv4 too (as IPv4-mapped addresses); a given IPv6 address only IPv6.
    const int only = at.addr.is_ipv6_any() ? 0 : 1;
    if (::setsockopt(sock.fd_, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only) != 0) {
      return "cannot bind " + at.text + ": IPV6_V6ONLY: " + std::strerror(errno);
    }
  }
  if (::bind(sock.fd_, at.addr.get(), at.addr.size()) != 0) {
    return "cannot bind " + at.text + ": " + std::strerror(errno);
  }
  return sock;
}

std::uint16_t UdpSocket::local_port() const {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  const auto address = SocketAddress::from(a, len);
  return address ? address->port() : 0;
}

bool UdpSocket::send_to(std::span<const std::uint8_t> bytes, const SocketAddress& to) const {
  const ssize_t n = ::sendto(fd_, bytes.data(), bytes.size(), 0, to.get(), to.size());
  return n == static_cast<ssize_t>(bytes.size());
}

std::optional<UdpSocket::Received> UdpSocket::receive(std::span<std::uint8_t> buffer) const {
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &from_len);
  if (n < 0) return std::nullopt;
  return Received{static_cast<std::size_t>(n), SocketAddress::from(from, from_len)};
}

}  // namespace clocksim::daemon
