package ranges

import "errors"

// Placeholders: the parsers below are being written; this file is deleted
// when they land.
var errTODO = errors.New("parser not written yet")

func ParseGoogle(string, []byte) (Parsed, error)     { return Parsed{}, errTODO }
func ParseAzure(string, []byte) (Parsed, error)      { return Parsed{}, errTODO }
func ResolveAzure([]byte) (string, error)            { return "", errTODO }
func ParseGitHub(string, []byte) (Parsed, error)     { return Parsed{}, errTODO }
func ParseOracle(string, []byte) (Parsed, error)     { return Parsed{}, errTODO }
func ParseList(string, []byte) (Parsed, error)       { return Parsed{}, errTODO }
func ParseFastly(string, []byte) (Parsed, error)     { return Parsed{}, errTODO }
func ParseGeofeed(string, []byte) (Parsed, error)    { return Parsed{}, errTODO }
func ParseIPVerse(string, []byte) (Parsed, error)    { return Parsed{}, errTODO }
func ParseDisposable(string, []byte) (Parsed, error) { return Parsed{}, errTODO }
func ParseMetowolf(string, []byte) (Parsed, error)   { return Parsed{}, errTODO }
func ipverseFiles() []File                           { return nil }
func disposableFiles() []File                        { return nil }
func metowolfFiles() []File                          { return nil }
