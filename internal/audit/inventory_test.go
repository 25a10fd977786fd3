package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	assets, info, err := ParseInventory("inv.txt", []byte("\ufeff# header\n\n3.0.5.1  # web\n10.0.0.0/8\nWWW.Example.COM\naws:eu-central-1\nAWS:global\n2001:db8::1\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range assets {
		got = append(got, fmt.Sprintf("%d %s %s %s %s", a.Line, a.Kind, a.Input, a.Provider, a.Scope))
	}
	want := []string{"3 address 3.0.5.1  ", "4 cidr 10.0.0.0/8  ", "5 host www.example.com  ", "6 region aws:eu-central-1 aws ",
		"7 region aws:global aws global", "8 address 2001:db8::1  "}
	if !slices.Equal(got[:len(want)], want) || info.Format != FormatList || info.Assets != len(assets) {
		t.Errorf("got %q", got)
	}
	// A # inside a word is no comment: the line is a bad host name.
	_, _, err = ParseInventory("inv.txt", []byte("3.0.5.1\nnot an address\n300.1.2.3\n"))
	var es Errors
	if err == nil || !errorsAs(err, &es) || len(es) != 2 || es[0].Line != 2 || es[1].Line != 3 {
		t.Fatalf("bad lines: %v", err)
	}
	if !strings.HasPrefix(es[0].Error(), `inv.txt:2: "not an address": not an IP address, CIDR, host name or provider:region`) {
		t.Errorf("message: %s", es[0])
	}
}

func errorsAs(err error, es *Errors) bool {
	x, ok := err.(Errors)
	*es = x
	return ok
}

// tfAssets describes the assets of a Terraform state as
// "line resource attribute kind input scope".
func tfAssets(t *testing.T, name string) ([]string, InventoryFile) {
	t.Helper()
	assets, info, err := ParseInventory(name, readFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range assets {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s %s", a.Resource, a.Attribute, a.Kind, a.Input, a.Scope)))
	}
	return out, info
}

var wantTerraformAssets = []string{
	"aws_instance.web availability_zone region aws:us-east-1",
	"aws_instance.web public_ip address 3.0.5.9",
	"module.net.aws_eip.nat[0] region region aws:cn-north-1",
	"module.net.aws_eip.nat[0] public_ip address 52.80.0.7",
	"aws_s3_bucket.data region region aws:cn-north-1",
	"aws_s3_bucket.data bucket_regional_domain_name host bucket.s3.cn-north-1.amazonaws.com.cn",
	"aws_s3_bucket.eu region region aws:eu-central-1",
	"aws_kms_key.multi arn region aws:multi-region multi-region",
	"aws_iam_role.deploy arn region aws:global global",
	"azurerm_resource_group.eu location region azure:westeurope",
	`google_compute_instance.vm["blue"] zone region google:europe-west3`,
	`google_compute_instance.vm["blue"] network_interface[0].access_config[0].nat_ip address 104.16.0.9`,
	"google_storage_bucket.archive location region google:multi-region multi-region",
}

func TestTerraformStateV4(t *testing.T) {
	got, info := tfAssets(t, "testdata/terraform.tfstate")
	if !slices.Equal(got, wantTerraformAssets) {
		t.Errorf("assets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantTerraformAssets, "\n"))
	}
	if info.Format != FormatTerraformV4 || info.Resources != 9 || info.Skipped != 1 {
		t.Errorf("info %+v", info)
	}
	all, _, _ := ParseInventory("s", readFile(t, "testdata/terraform.tfstate"))
	web := all[1]
	if web.Line != 34 || web.Tags["team"] != "web" || web.Provider != "aws" {
		t.Errorf("aws_instance.web public_ip: line %d, tags %v, provider %q", web.Line, web.Tags, web.Provider)
	}
	if len(info.Notes) != 1 || !strings.Contains(info.Notes[0], "data source data.aws_region.current") {
		t.Errorf("notes %q", info.Notes)
	}
	private := `{"version": 4, "resources": [{"mode": "managed", "type": "google_compute_address", "name": "int",
  "instances": [{"attributes": {"address": "10.2.0.9", "region": "europe-west3"}}]}]}`
	assets, info, err := ParseInventory("p.tfstate", []byte(private))
	if err != nil || len(assets) != 1 || info.Skipped != 1 || !strings.Contains(info.Notes[0], "p.tfstate:2: google_compute_address.int address=10.2.0.9: not a public address") {
		t.Errorf("private address: %v %d %+v", err, len(assets), info)
	}
}

func TestTerraformShowJSON(t *testing.T) {
	got, info := tfAssets(t, "testdata/terraform-show.json")
	// terraform show -json lists the root module's resources first.
	want := append(slices.Concat(wantTerraformAssets[:2], wantTerraformAssets[4:]), wantTerraformAssets[2:4]...)
	if !slices.Equal(got, want) {
		t.Errorf("assets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if info.Format != FormatTerraformShow || info.Resources != 9 {
		t.Errorf("info %+v", info)
	}
}

func TestTerraformErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\n  \"version\": 4,\n  \"resources\": [\n", "s.json:3: the JSON ends too soon"},
		{"{\"version\": 3, \"modules\": []}", "s.json:1: version: Terraform state version 3 is not read"},
		{"{\"hello\": 1}", "s.json:1: a JSON file that is no Terraform state"},
		{"{\n\"version\": 4,\n\"resources\": [}\n", "s.json:3: JSON syntax"},
	} {
		_, _, err := ParseInventory("s.json", []byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}

func FuzzParseInventory(f *testing.F) {
	f.Add([]byte("3.0.5.1\n# c\naws:eu-central-1\nwww.example.com\n"))
	f.Add(readFile(f, "testdata/terraform.tfstate"))
	f.Add(readFile(f, "testdata/terraform-show.json"))
	f.Add([]byte(`{"version":4,"resources":[{"mode":"managed","type":"x","name":"y","instances":[{"attributes":{"a":[[[[1]]]]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		assets, info, err := ParseInventory("f", data)
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if info.Assets != len(assets) && info.Format != FormatList {
			t.Fatalf("info counts %d assets, got %d", info.Assets, len(assets))
		}
		for _, a := range assets {
			if a.Line < 1 || a.Input == "" || !slices.Contains(assetKinds, a.Kind) {
				t.Fatalf("bad asset %+v", a)
			}
		}
	})
}
