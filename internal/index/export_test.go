package index

import (
	"encoding/binary"
	"hash/crc32"
)

func withChecksum(body []byte) []byte {
	out := append([]byte(nil), body...)
	return binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out))
}
