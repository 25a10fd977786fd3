package export

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// values holds one MMDB map per distinct record, and is the tree's
// [mmdbwriter.KeyGenerator]: every value the tree is given is one of
// these maps, so a map's identity is its key. The writer's default
// serialises and hashes the whole value on every insert, which took a
// fifth of an export's time.
type values struct {
	byContent map[string]mmdbtype.Map
	ids       map[uintptr]uint32
	key       [4]byte
}

func newValues() *values {
	return &values{byContent: map[string]mmdbtype.Map{}, ids: map[uintptr]uint32{}}
}

// of returns the map of r: the same map for records of equal content.
func (v *values) of(r Record) mmdbtype.Map {
	b, _ := json.Marshal(r) // a Record always encodes
	if m, ok := v.byContent[string(b)]; ok {
		return m
	}
	m := r.value()
	v.byContent[string(b)] = m
	v.ids[reflect.ValueOf(m).Pointer()] = uint32(len(v.ids))
	return m
}

// Key returns the key of a map made by [values.of], and an error for
// any other value.
func (v *values) Key(d mmdbtype.DataType) ([]byte, error) {
	m, ok := d.(mmdbtype.Map)
	if !ok {
		return nil, fmt.Errorf("export: value of type %T was not made by the export", d)
	}
	id, ok := v.ids[reflect.ValueOf(m).Pointer()]
	if !ok {
		return nil, fmt.Errorf("export: value %v was not made by the export", m)
	}
	binary.BigEndian.PutUint32(v.key[:], id)
	return v.key[:], nil
}
