"""load_directory: instances, count/for_each/dynamic, locations, broken input, overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hcl_helpers import DATA, by_address, load, write

from tfvpc.errors import InputError
from tfvpc.load.hcl import load_directory
from tfvpc.load.resources import LoadedInput, Ref, SourceLocation, Unknown

# -- the realistic web_vpc tree -----------------------------------------------------------------


@pytest.fixture(scope="module")
def web() -> LoadedInput:
    """The web_vpc tree, loaded once."""
    return load_directory(DATA / "web_vpc", display_path="infra/", environ={})


def test_web_vpc_addresses_in_declaration_order(web: LoadedInput) -> None:
    assert [r.address for r in web.resources] == [
        "aws_vpc.main",
        "aws_internet_gateway.igw",
        'aws_subnet.public["eu-west-1a"]',
        'aws_subnet.public["eu-west-1b"]',
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_route_table.public",
        'aws_route_table_association.public["eu-west-1a"]',
        'aws_route_table_association.public["eu-west-1b"]',
        "aws_security_group.web",
        "aws_instance.web[0]",
        "aws_instance.web[1]",
    ]  # aws_nat_gateway.nat has count = 0 (enable_nat defaults to false)


def test_web_vpc_values_match_what_a_plan_would_show(web: LoadedInput) -> None:
    r = by_address(web)
    assert r['aws_subnet.public["eu-west-1b"]'].values == {
        "vpc_id": Ref("aws_vpc.main", "id"),
        "cidr_block": "10.20.1.0/24",
        "availability_zone": "eu-west-1b",
        "map_public_ip_on_launch": True,
        "tags": {"Name": "web-public-eu-west-1b"},
    }
    assert r["aws_subnet.private[1]"].values["cidr_block"] == "10.20.11.0/24"
    assert r["aws_route_table.public"].values["route"] == [
        {"cidr_block": "0.0.0.0/0", "gateway_id": Ref("aws_internet_gateway.igw", "id")}
    ]
    association = r['aws_route_table_association.public["eu-west-1a"]']
    assert association.values["subnet_id"] == Ref('aws_subnet.public["eu-west-1a"]', "id")
    assert association.index == "eu-west-1a"


def test_web_vpc_security_group_with_static_and_dynamic_blocks(web: LoadedInput) -> None:
    sg = by_address(web)["aws_security_group.web"]
    ingress = sg.values["ingress"]
    assert isinstance(ingress, list)
    assert [(i["from_port"], i["cidr_blocks"]) for i in ingress] == [  # type: ignore[index]
        (443, ["0.0.0.0/0"]),
        (22, ["203.0.113.0/24"]),  # from terraform.tfvars
        (3389, ["203.0.113.0/24"]),
    ]
    assert "lifecycle" not in sg.values  # R-EVAL-10


def test_web_vpc_locations(web: LoadedInput) -> None:
    sg = by_address(web)["aws_security_group.web"]
    assert sg.location == SourceLocation("infra/security.tf", 1)
    assert sg.block_locations == {
        "ingress.0": SourceLocation("infra/security.tf", 6),
        "ingress.1": SourceLocation("infra/security.tf", 14),  # generated: the dynamic's line
        "ingress.2": SourceLocation("infra/security.tf", 14),
        "egress.0": SourceLocation("infra/security.tf", 25),
    }
    assert by_address(web)["aws_instance.web[1]"].location == SourceLocation(
        "infra/security.tf", 37
    )


def test_web_vpc_meta_arguments_and_nulls_are_dropped(web: LoadedInput) -> None:
    instance = by_address(web)["aws_instance.web[1]"]
    assert instance.values == {
        "ami": "ami-0123456789abcdef0",
        "instance_type": "t3.micro",
        "subnet_id": Ref('aws_subnet.public["eu-west-1b"]', "id"),
        "vpc_security_group_ids": [Ref("aws_security_group.web", "id")],
        "user_data": '#!/bin/sh\necho "web-1" > /etc/hostname\n',
    }
    assert instance.index == 1 and instance.module == ""


def test_web_vpc_input_level_facts(web: LoadedInput) -> None:
    assert web.kind == "hcl"
    assert web.path == "infra/"
    assert web.aws_provider_version == "~> 5.40"
    assert web.problems == []


# -- count / for_each ---------------------------------------------------------------------------


def test_count_from_a_conditional_is_exact(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "enabled" {
  default = true
}
resource "aws_eip" "nat" {
  count  = var.enabled ? 1 : 0
  domain = "vpc"
}
"""
        },
    )
    assert [r.address for r in load(tmp_path).resources] == ["aws_eip.nat[0]"]
    assert load(tmp_path, variables={"enabled": "false"}).resources == []


def test_unknown_count_gives_one_uncertain_instance(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "subnet_count" {
  type = number
}
resource "aws_subnet" "s" {
  count      = var.subnet_count
  vpc_id     = "vpc-1"
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
"""
        },
    )
    (subnet,) = load(tmp_path).resources
    assert subnet.address == "aws_subnet.s[0]"
    assert subnet.uncertain == (
        "count of aws_subnet.s is unknown (var.subnet_count has no value (no default and not set))",
    )
    assert isinstance(subnet.values["cidr_block"], Unknown)


def test_unknown_for_each_gives_one_uncertain_instance(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_instance" "server" {
  for_each  = toset(data.aws_subnets.all.ids)
  subnet_id = each.value
}
data "aws_subnets" "all" {
}
"""
        },
    )
    server = by_address(load(tmp_path))['aws_instance.server["<unknown>"]']
    assert server.uncertain and "for_each of aws_instance.server is unknown" in server.uncertain[0]
    assert isinstance(server.values["subnet_id"], Unknown)


def test_for_each_over_a_set_and_references_by_key(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_subnet" "s" {
  for_each   = toset(["b", "a"])
  vpc_id     = "vpc-1"
  cidr_block = each.key == "a" ? "10.0.1.0/24" : "10.0.2.0/24"
}
resource "aws_network_acl_association" "a" {
  network_acl_id = "acl-1"
  subnet_id      = aws_subnet.s["a"].id
}
resource "aws_instance" "all" {
  for_each  = aws_subnet.s
  subnet_id = each.value.id
  tags      = { cidr = each.value.cidr_block }
}
"""
        },
    )
    r = by_address(load(tmp_path))
    assert list(r)[:2] == ['aws_subnet.s["a"]', 'aws_subnet.s["b"]']
    assert r["aws_network_acl_association.a"].values["subnet_id"] == Ref('aws_subnet.s["a"]')
    assert r['aws_instance.all["b"]'].values == {
        "subnet_id": Ref('aws_subnet.s["b"]'),
        "tags": {"cidr": "10.0.2.0/24"},
    }


def test_splat_over_counted_resources_gives_refs_in_index_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_subnet" "p" {
  count      = 3
  vpc_id     = "vpc-1"
  cidr_block = "10.0.${count.index}.0/24"
}
resource "aws_lb" "web" {
  subnets = aws_subnet.p[*].id
}
resource "aws_db_subnet_group" "db" {
  subnet_ids = slice(aws_subnet.p.*.id, 1, 3)
}
"""
        },
    )
    r = by_address(load(tmp_path))
    assert r["aws_lb.web"].values["subnets"] == [Ref(f"aws_subnet.p[{i}]") for i in range(3)]
    assert r["aws_db_subnet_group.db"].values["subnet_ids"] == [
        Ref("aws_subnet.p[1]"),
        Ref("aws_subnet.p[2]"),
    ]


def test_configured_attributes_of_other_resources_evaluate(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_vpc" "main" {
  cidr_block = "10.8.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 4, 1)
  ipv6_cidr_block = aws_vpc.main.ipv6_cidr_block
}
"""
        },
    )
    values = by_address(load(tmp_path))["aws_subnet.s"].values
    assert values == {
        "vpc_id": Ref("aws_vpc.main", "id"),
        "cidr_block": "10.8.16.0/20",
        "ipv6_cidr_block": Ref("aws_vpc.main", "ipv6_cidr_block"),  # computed, not configured
    }


def test_data_sources_keep_configuration_and_their_reads_are_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
data "aws_vpc" "default" {
  default = true
}
resource "aws_subnet" "s" {
  vpc_id     = data.aws_vpc.default.id
  cidr_block = "172.31.200.0/24"
}
"""
        },
    )
    r = by_address(load(tmp_path))
    assert r["data.aws_vpc.default"].mode == "data"
    assert r["data.aws_vpc.default"].values == {"default": True}
    vpc_id = r["aws_subnet.s"].values["vpc_id"]
    assert isinstance(vpc_id, Unknown)
    assert vpc_id.candidates == (Ref("data.aws_vpc.default", "id"),)


def test_count_too_large_is_refused(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_eip" "e" {\n  count = 5000000\n}\n'})
    with pytest.raises(InputError, match="at most 100000"):
        load(tmp_path)


def test_local_cycle_becomes_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
locals {
  a = local.b
  b = "${local.a}x"
}
resource "aws_vpc" "v" {
  cidr_block = local.a
}
"""
        },
    )
    value = load(tmp_path).resources[0].values["cidr_block"]
    assert isinstance(value, Unknown) and "dependency cycle" in value.reason


# -- dynamic blocks ------------------------------------------------------------------------------


def test_nested_dynamic_blocks_with_iterator(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "listeners" {
  default = {
    https = { port = 443, targets = ["blue", "green"] }
  }
}
resource "aws_lb_listener" "l" {
  load_balancer_arn = "arn:lb"
  dynamic "default_action" {
    for_each = var.listeners
    iterator = listener
    content {
      type = "forward"
      forward {
        dynamic "target_group" {
          for_each = listener.value.targets
          content {
            arn = "tg-${target_group.value}-${listener.value.port}"
          }
        }
      }
    }
  }
}
"""
        },
    )
    (listener,) = load(tmp_path).resources
    assert listener.values["default_action"] == [
        {
            "type": "forward",
            "forward": [{"target_group": [{"arn": "tg-blue-443"}, {"arn": "tg-green-443"}]}],
        }
    ]
    assert set(listener.block_locations) == {
        "default_action.0",
        "default_action.0.forward.0",
        "default_action.0.forward.0.target_group.0",
        "default_action.0.forward.0.target_group.1",
    }
    assert {loc.line for loc in listener.block_locations.values()} == {9}


def test_dynamic_block_with_unknown_for_each_is_one_uncertain_block(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "rules" {
  type = list(object({ port = number, cidr = string }))
}
resource "aws_security_group" "sg" {
  vpc_id = "vpc-1"
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
}
"""
        },
    )
    (sg,) = load(tmp_path).resources
    ingress = sg.values["ingress"]
    assert isinstance(ingress, list) and len(ingress) == 1
    rule = ingress[0]
    assert isinstance(rule, dict)
    assert rule["protocol"] == "tcp"
    assert isinstance(rule["from_port"], Unknown)
    assert isinstance(rule["cidr_blocks"], list) and isinstance(rule["cidr_blocks"][0], Unknown)
    assert len(sg.uncertain) == 1 and 'dynamic "ingress" for_each is unknown' in sg.uncertain[0]


# -- broken and unusual input --------------------------------------------------------------------


def test_broken_file_is_a_problem_and_the_rest_is_analysed() -> None:
    loaded = load_directory(DATA / "broken_file", display_path="broken_file", environ={})
    assert [r.address for r in loaded.resources] == ["aws_vpc.ok"]
    (problem,) = loaded.problems
    assert problem.rule_id == "TFV001"
    assert problem.subject == "broken_file/broken.tf"
    assert problem.message == "broken_file/broken.tf:6: unexpected end of file"
    assert problem.location == SourceLocation("broken_file/broken.tf", 6)


def test_empty_directory_is_an_input_error(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "no terraform here", "sub/main.tf": "# not at top level"})
    with pytest.raises(InputError, match=r"no Terraform files \(\*\.tf, \*\.tf\.json\)"):
        load(tmp_path)


def test_all_files_broken_is_an_input_error(tmp_path: Path) -> None:
    write(tmp_path, {"a.tf": "resource {", "b.tf": b"\xff\xfe"})
    with pytest.raises(InputError, match="could be parsed"):
        load(tmp_path)


def test_not_a_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        load(tmp_path / "missing")


def test_bad_utf8_names_its_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "ok.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
            "latin1.tf": b'# ok\nresource "aws_vpc" "w" {\n  tags = { Name = "caf\xe9" }\n}\n',
        },
    )
    loaded = load(tmp_path)
    assert [r.address for r in loaded.resources] == ["aws_vpc.v"]
    (problem,) = loaded.problems
    assert problem.message == "cfg/latin1.tf:3: not valid UTF-8 (byte 0xe9)"


@pytest.mark.skipif(os.name != "posix", reason="needs symlinks")
def test_symlink_loop_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    write(tmp_path, {"ok.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n'})
    (tmp_path / "loop.tf").symlink_to(tmp_path / "loop.tf")
    loaded = load(tmp_path)
    assert [r.address for r in loaded.resources] == ["aws_vpc.v"]
    (problem,) = loaded.problems
    assert problem.subject == "cfg/loop.tf" and "cannot read" in problem.message


def test_editor_leftovers_are_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
            ".hidden.tf": "broken {",
            "main.tf~": "broken {",
            "#main.tf#": "broken {",
        },
    )
    loaded = load(tmp_path)
    assert loaded.problems == [] and len(loaded.resources) == 1


def test_override_files_merge_attribute_wise() -> None:
    loaded = load_directory(DATA / "overrides", display_path="o", environ={})
    r = by_address(loaded)
    sg = r["aws_security_group.db"]
    assert sg.values == {
        "name": "db-open",
        "vpc_id": "vpc-0a1b2c3d",
        "egress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
        "ingress": [
            {"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
        ],
    }
    assert sg.location == SourceLocation("o/main.tf", 1)
    assert r["aws_ssm_parameter.env"].values["value"] == "production"


def test_json_syntax_files() -> None:
    loaded = load_directory(DATA / "json_syntax", display_path="j", environ={})
    r = by_address(loaded)
    assert r["aws_vpc.main"].values == {
        "cidr_block": "10.50.0.0/16",
        "tags": {"Name": "json-10.50.0.0/16"},
    }
    sg = r["aws_security_group.web"]
    assert sg.values["egress"] == [
        {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.50.1.0/24"]},
        {"from_port": 8443, "to_port": 8443, "protocol": "tcp", "cidr_blocks": ["10.50.1.0/24"]},
    ]
    assert "lifecycle" not in sg.values
    assert r["aws_subnet.a[1]"].values["cidr_block"] == "10.50.1.0/24"
    assert r["aws_vpc.main"].location == SourceLocation("j/main.tf.json", 10)


def test_file_function_reads_inside_the_tree_only(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('["10.0.0.0/8"]', encoding="utf-8")
    write(
        tmp_path / "cfg",
        {
            "cidrs.json": '["192.168.0.0/16"]',
            "main.tf": f"""
resource "aws_security_group" "a" {{
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = jsondecode(file("${{path.module}}/cidrs.json"))
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = jsondecode(file("{outside}"))
  }}
  description = file("missing.txt")
}}
""",
        },
    )
    (sg,) = load(tmp_path / "cfg").resources
    assert sg.values["ingress"][0]["cidr_blocks"] == ["192.168.0.0/16"]  # type: ignore[index]
    egress_cidrs = sg.values["egress"][0]["cidr_blocks"]  # type: ignore[index]
    assert (
        isinstance(egress_cidrs, Unknown) and "outside the scanned directory" in egress_cidrs.reason
    )
    assert isinstance(sg.values["description"], Unknown)


def test_provider_version_prefers_the_lock_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'terraform {\n  required_providers {\n    aws = "~> 4.0"\n  }\n}\n'
            'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    assert load(tmp_path).aws_provider_version == "~> 4.0"
    write(
        tmp_path,
        {
            ".terraform.lock.hcl": """
provider "registry.terraform.io/hashicorp/aws" {
  version     = "4.67.0"
  constraints = "~> 4.0"
  hashes      = ["h1:abc="]
}
"""
        },
    )
    assert load(tmp_path).aws_provider_version == "4.67.0"


def test_reference_into_an_uncertain_resource_lists_its_instance(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
variable "create" {
  type = bool
}
resource "aws_subnet" "p" {
  count      = var.create ? 2 : 0
  vpc_id     = "vpc-1"
  cidr_block = "10.0.${count.index}.0/24"
}
resource "aws_instance" "i" {
  subnet_id = element(aws_subnet.p[*].id, 0)
}
"""
        },
    )
    subnet_id = by_address(load(tmp_path))["aws_instance.i"].values["subnet_id"]
    assert isinstance(subnet_id, Unknown)
    assert subnet_id.reason.startswith("count of aws_subnet.p is unknown")
    assert subnet_id.candidates == (Ref("aws_subnet.p[0]"),)


def test_template_and_file_functions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "rules.tpl": "%{ for p in ports ~}\n${p},\n%{ endfor ~}",
            "main.tf": """
resource "aws_ssm_parameter" "p" {
  name  = "ports"
  type  = "String"
  value = templatefile("${path.module}/rules.tpl", { ports = [22, 443] })
  tier  = fileexists("rules.tpl") ? "Standard" : "Advanced"
  key_id = filebase64("rules.tpl") == "" ? "none" : "some"
}
""",
        },
    )
    (parameter,) = load(tmp_path).resources
    assert parameter.values["value"] == "22,\n443,\n"
    assert parameter.values["tier"] == "Standard"
    assert parameter.values["key_id"] == "some"


def test_ignored_blocks_and_meta_arguments(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
moved {
  from = aws_vpc.old
  to   = aws_vpc.v
}
import {
  to = aws_vpc.v
  id = "vpc-1"
}
check "health" {
  assert {
    condition     = true
    error_message = "never"
  }
}
resource "aws_vpc" "v" {
  provider   = aws.west
  depends_on = [aws_vpc.other]
  cidr_block = "10.0.0.0/16"
  provisioner "local-exec" {
    command = "echo never run"
  }
  connection {
    host = "x"
  }
  timeouts {
    create = "10m"
  }
  lifecycle {
    prevent_destroy = true
  }
}
""",
        },
    )
    loaded = load(tmp_path)
    assert [(r.address, r.values) for r in loaded.resources] == [
        ("aws_vpc.v", {"cidr_block": "10.0.0.0/16"})
    ]
    assert loaded.problems == []


def test_templatefile_sees_only_its_variables(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "t.tpl": "${var.secret}",
            "main.tf": """
variable "secret" {
  default = "s"
}
resource "aws_ssm_parameter" "p" {
  name  = "x"
  type  = "String"
  value = templatefile("t.tpl", {})
}
""",
        },
    )
    value = load(tmp_path).resources[0].values["value"]
    assert isinstance(value, Unknown) and "not one of the variables" in value.reason


def test_unset_attributes_of_another_resources_block_are_references(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
resource "aws_eks_cluster" "this" {
  name = "c"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}
resource "aws_vpc_security_group_ingress_rule" "api" {
  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = join(",", aws_eks_cluster.this.vpc_config[0].subnet_ids)
}
"""
        },
    )
    rule = by_address(load(tmp_path))["aws_vpc_security_group_ingress_rule.api"]
    assert rule.values["security_group_id"] == Ref(
        "aws_eks_cluster.this", "vpc_config.0.cluster_security_group_id"
    )
    assert rule.values["description"] == "subnet-1,subnet-2"
