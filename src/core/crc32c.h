// CRC-32C (Castagnoli), the checksum of framed records: the SSE4.2 instruction when the CPU has
// it (≈ 20 GB/s; zlib's crc32 was a quarter of the ingest writer's time on ~30-byte records),
// else a table-driven fallback with the same results. Pure; thread-safe.
#ifndef BOTMON_CORE_CRC32C_H_
#define BOTMON_CORE_CRC32C_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace botmon {

uint32_t Crc32c(std::string_view data);
// The portable implementation (for tests that compare both).
uint32_t Crc32cPortable(std::string_view data);

}  // namespace botmon

#endif  // BOTMON_CORE_CRC32C_H_
