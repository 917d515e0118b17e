#pragma once
// The CRC-32 of two texts one after the other, from the CRC-32 of each and the second's length:
// what lets a gzip response reuse the pieces of an earlier one without reading their text again.

#include <cstdint>

namespace ifmib::server {

/// The CRC-32 (RFC 1952, as gzip_crc32) of A followed by B, given crc_a of A, crc_b of B and
/// the length of B. Our own rather than zlib's crc32_combine: an exporter built with ISA-L does
/// not load libz at all (gzip_zlib.cpp), and ISA-L has no combine.
std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b);

}  // namespace ifmib::server
