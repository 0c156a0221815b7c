"""The plan/state front end: refusing unusable input, reading real plans and states, locations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from load_plan_helpers import by_address, change, load, plan
from shared_plans import SHARED_PLANS

from tfvpc.errors import InputError
from tfvpc.load.plan import detect_json_kind, load_plan_file
from tfvpc.load.resources import Ref, SourceLocation, Unknown

PLANS = SHARED_PLANS

# (kind, instances, of which data sources), per real file. Instances = resource_changes entries
# that survive apply, plus instances only in planned_values/prior_state (data sources read while
# planning; resources outside -target; 0.12 no-op entries without `after`).
# fmt: off
REAL_FILES = {
    "Checkmarx+kics__assets__queries__terraform__aws__sensitive_port_is_exposed_to_entire_network__test__negative.json": ("plan", 1, 0),  # noqa: E501
    "Checkmarx+kics__assets__queries__terraform__aws__sensitive_port_is_exposed_to_entire_network__test__positive.json": ("plan", 1, 0),  # noqa: E501
    "aquasecurity+trivy-checks__examples__terraform-plan__tfplan.json": ("plan", 2, 0),
    "aquasecurity+trivy__pkg__iac__scanners__terraformplan__tfjson__testdata__arbitrary_name.json": ("plan", 1, 0),  # noqa: E501
    "aquasecurity+trivy__pkg__iac__scanners__terraformplan__tfjson__testdata__plan.json": ("plan", 4, 1),  # noqa: E501
    "aquasecurity+trivy__pkg__iac__scanners__terraformplan__tfjson__testdata__plan_with_template.json": ("plan", 4, 1),  # noqa: E501
    "bridgecrewio+checkov__tests__common__runner_registry__plan_with_for_each_for_enrichment__tf_plan.json": ("plan", 7, 2),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__parser__resources__plan_provisioners__tfplan.json": ("plan", 1, 0),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__parser__resources__plan_provisioners__tfplan2.json": ("plan", 1, 0),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__parser__resources__plan_tags__tfplan.json": ("plan", 59, 4),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__parser__resources__plan_vpc_endpoint__tfplan.json": ("plan", 1, 0),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__runner__resources__plan__tfplan.json": ("plan", 59, 4),
    "bridgecrewio+checkov__tests__terraform__runner__resources__plan_change_keys__tfplan.json": ("plan", 2, 0),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__runner__tf_plan_skip_check_regex__resource__skip_directory__tfplan2.json": ("plan", 59, 4),  # noqa: E501
    "bridgecrewio+checkov__tests__terraform__runner__tfplan2.json": ("plan", 59, 4),
    "fugue+regula__pkg__loader__test_inputs__data__tfplan.0.12.json": ("plan", 4, 0),
    "fugue+regula__pkg__loader__test_inputs__data__tfplan.0.13.json": ("plan", 4, 0),
    "fugue+regula__pkg__loader__test_inputs__data__tfplan.0.14.json": ("plan", 4, 0),
    "fugue+regula__pkg__loader__test_inputs__data__tfplan.0.15.json": ("plan", 4, 0),
    "fugue+regula__rego__tests__examples__aws__inputs__ec2_t2_only_infra.json": ("plan", 8, 1),
    "fugue+regula__rego__tests__examples__aws__inputs__tag_all_resources_infra.json": ("plan", 4, 0),  # noqa: E501
    "fugue+regula__rego__tests__lib__inputs__resource_view_06_tf_v0_15_infra.json": ("plan", 7, 0),
    "fugue+regula__rego__tests__lib__inputs__resource_view_06_tf_v1_0_infra.json": ("plan", 7, 0),
    "fugue+regula__rego__tests__lib__inputs__resource_view_07_infra.json": ("plan", 5, 0),
    "fugue+regula__rego__tests__rules__tf__aws__security_group__inputs__ingress_anywhere_infra.json": ("plan", 5, 0),  # noqa: E501
    "fugue+regula__rego__tests__rules__tf__aws__security_group__inputs__ingress_anywhere_rdp_infra.json": ("plan", 4, 0),  # noqa: E501
    "fugue+regula__rego__tests__rules__tf__aws__vpc__inputs__flow_log_infra.json": ("plan", 6, 0),
    "infracost+infracost__cmd__infracost__testdata__breakdown_terraform_sync_usage_file__sync_usage_file.json": ("plan", 6, 0),  # noqa: E501
    "infracost+infracost__cmd__infracost__testdata__breakdown_with_policy_data_upload_plan_json__plan.json": ("plan", 4, 0),  # noqa: E501
    "infracost+infracost__cmd__infracost__testdata__example_plan.json": ("plan", 5, 0),
    "infracost+infracost__cmd__infracost__testdata__instance_with_attachment_after_deploy.json": ("plan", 4, 0),  # noqa: E501
    "infracost+infracost__cmd__infracost__testdata__instance_with_attachment_before_deploy.json": ("plan", 4, 0),  # noqa: E501
    "infracost+infracost__cmd__infracost__testdata__plan_with_target.json": ("plan", 2, 0),
    "infracost+infracost__cmd__infracost__testdata__terraform_v0.12_plan.json": ("plan", 30, 4),
    "infracost+infracost__cmd__infracost__testdata__terraform_v0.12_state.json": ("state", 18, 4),
    "infracost+infracost__cmd__infracost__testdata__terraform_v0.14_plan.json": ("plan", 32, 6),
    "infracost+infracost__cmd__infracost__testdata__terraform_v0.14_state.json": ("state", 18, 4),
    "infracost+infracost__examples__terraform__plan.json": ("plan", 2, 0),
    "snyk+policy-engine__pkg__input__golden_test__tfplan__example-06-tf-v1.0__plan.json": ("plan", 7, 0),  # noqa: E501
    "snyk+policy-engine__pkg__input__golden_test__tfplan__modules__plan.json": ("plan", 7, 0),
    "snyk+policy-engine__pkg__input__golden_test__tfplan__sensitive__plan.json": ("plan", 1, 0),
    "snyk+policy-engine__pkg__input__golden_test__tfstate__example-01__state.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__actions_for_each_and_modules__plan.out.json": ("plan", 8, 2),  # noqa: E501
    "terraform-compliance+cli__tests__functional__actions_modules__plan.out.json": ("plan", 4, 1),
    "terraform-compliance+cli__tests__functional__actions_regular__plan.out.json": ("plan", 4, 1),
    "terraform-compliance+cli__tests__functional__test_count_does_not_work_for_resources__plan.out.json": ("plan", 1, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_counting_repeatable_argument_blocks__plan.out.json": ("plan", 2, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_issue-120__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue-126__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue-127__plan.out.json": ("plan", 39, 33),
    "terraform-compliance+cli__tests__functional__test_issue-156__plan.out.json": ("plan", 3, 0),
    "terraform-compliance+cli__tests__functional__test_issue-158__plan.out.json": ("plan", 29, 0),
    "terraform-compliance+cli__tests__functional__test_issue-166__plan.out.json": ("plan", 3, 0),
    "terraform-compliance+cli__tests__functional__test_issue-168__plan.out.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__test_issue-171__plan.out.json": ("plan", 14, 0),
    "terraform-compliance+cli__tests__functional__test_issue-181_sg_with_comma_separated__plan.out.json": ("plan", 4, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_issue-190__plan.out.json": ("plan", 3, 0),
    "terraform-compliance+cli__tests__functional__test_issue-194__plan.out.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__test_issue-198__plan.out.json": ("plan", 3, 0),
    "terraform-compliance+cli__tests__functional__test_issue-216__plan.out.json": ("plan", 5, 0),
    "terraform-compliance+cli__tests__functional__test_issue-232__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue-234-egress__plan.out.json": ("plan", 5, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_issue-249-bad_feature__plan.out.json": ("plan", 119, 95),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_issue-275__plan.out.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__test_issue-279__plan.out.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__test_issue-284__plan.out.json": ("plan", 2, 0),
    "terraform-compliance+cli__tests__functional__test_issue-338-cache_resources_raw__plan.out.json": ("plan", 6, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_issue-424__plan.out.json": ("plan", 8, 2),
    "terraform-compliance+cli__tests__functional__test_issue-438__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue-456__plan.out.json": ("plan", 45, 13),
    "terraform-compliance+cli__tests__functional__test_issue-514__plan.out.json": ("plan", 4, 0),
    "terraform-compliance+cli__tests__functional__test_issue-554__plan.out.json": ("plan", 4, 0),
    "terraform-compliance+cli__tests__functional__test_issue-sgr__plan.out.json": ("plan", 4, 0),
    "terraform-compliance+cli__tests__functional__test_issue_360__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue_400__plan.out.json": ("plan", 9, 0),
    "terraform-compliance+cli__tests__functional__test_issue_401__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue_410__plan.out.json": ("plan", 1, 0),
    "terraform-compliance+cli__tests__functional__test_issue_522__plan.out.json": ("plan", 21, 8),
    "terraform-compliance+cli__tests__functional__test_multiple_failures__plan.out.json": ("plan", 3, 0),  # noqa: E501
    "terraform-compliance+cli__tests__functional__test_pull_330__plan.out.json": ("plan", 9, 0),
    "terraform-compliance+cli__tests__functional__test_referencing_terraform_addresses_on_resource_mounting__plan.out.json": ("plan", 3, 1),  # noqa: E501
}
# fmt: on


def test_every_real_file_is_listed() -> None:
    assert sorted(REAL_FILES) == sorted(path.name for path in PLANS.glob("*.json"))


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_file_loads(name: str) -> None:
    kind, count, data = REAL_FILES[name]
    loaded = load_plan_file(PLANS / name)
    assert (loaded.kind, len(loaded.resources)) == (kind, count)
    assert sum(1 for r in loaded.resources if r.mode == "data") == data
    addresses = [r.address for r in loaded.resources]
    assert len(addresses) == len(set(addresses))
    for resource in loaded.resources:
        assert resource.location is not None and resource.location.file == str(PLANS / name)
        assert resource.address.endswith(
            f"{'data.' if resource.mode == 'data' else ''}{resource.type}.{resource.name}"
            + ("" if resource.index is None else f"[{json.dumps(resource.index)}]")
        )


def test_real_012_state_rebuilds_module_relative_addresses() -> None:
    # Terraform 0.12 writes state values with module-relative addresses and no index.
    name = "infracost+infracost__cmd__infracost__testdata__terraform_v0.12_state.json"
    loaded = by_address(load_plan_file(PLANS / name, display_path="state.json"))
    subnet_group = "module.db.module.db_1.module.db_subnet_group.aws_db_subnet_group.this[0]"
    assert loaded[subnet_group].module == "module.db.module.db_1.module.db_subnet_group"
    assert loaded[subnet_group].index == 0
    assert loaded['aws_instance.instance_named["test.1"]'].index == "test.1"
    assert loaded["module.instances.data.aws_subnet_ids.default"].mode == "data"
    assert loaded["aws_instance.instance_1"].location == SourceLocation("state.json", 8)
    assert loaded[subnet_group].location == SourceLocation("state.json", 443)


def test_real_module_chain_resolves_through_outputs_and_variables() -> None:
    # child2's var.child_vpc_id = module.child1.grandchild_vpc = module.grandchild1.grandchild_vpc
    # = aws_vpc.grandchild inside module.child1.module.grandchild1.
    name = "snyk+policy-engine__pkg__input__golden_test__tfplan__modules__plan.json"
    loaded = by_address(load_plan_file(PLANS / name))
    vpc = Ref("module.child1.module.grandchild1.aws_vpc.grandchild", "id")
    assert loaded["module.child2.aws_security_group.child"].values["vpc_id"] == vpc
    assert loaded["aws_security_group.parent"].values["vpc_id"] == vpc
    # Unset, unknown `egress`/`ingress` are dropped (R-TF-3), the unknown `id` too.
    assert "egress" not in loaded["aws_security_group.parent"].values
    assert "id" not in loaded["aws_security_group.parent"].values


def test_real_plan_without_configuration_keeps_unknowns_plain() -> None:
    name = "bridgecrewio+checkov__tests__terraform__runner__tf_plan_skip_check_regex__resource__skip_directory__tfplan2.json"  # noqa: E501
    loaded = by_address(load_plan_file(PLANS / name))
    assert loaded["aws_subnet.web_subnet"].values["vpc_id"] == Unknown(
        "vpc_id is unknown until apply"
    )


def test_binary_plan_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    path = tmp_path / "plan.out"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00binary")
    with pytest.raises(InputError) as error:
        load_plan_file(path, display_path="plan.out")
    assert str(error.value) == (
        "plan.out: this is a binary plan file; run `terraform show -json plan.out > plan.json` "
        "first"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (b'{"format_version": "1.2",', "not JSON (line 1, column 26: Expecting property name"),
        (b'resource "aws_vpc" "x" {}', "not JSON (line 1, column 1: Expecting value)"),
        (b'{"a": "\xff\xfe"}', "not UTF-8 text (invalid byte at offset 7); expected JSON"),
        (b'[{"address": "aws_vpc.main"}]', "the JSON is an array, not the object"),
        (b'"plan"', "the JSON is a string, not the object"),
        (b'{"provider_schemas": {}}', "this JSON is neither a Terraform plan nor a state"),
        (b'{"version": 4, "lineage": "x", "resources": []}', "this is a raw Terraform state"),
        (b"[" * 100_000, "the JSON nests too deeply to analyse"),
    ],
)
def test_unusable_content_is_refused(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_plan_file(path)
    assert error.value.path == str(path)
    assert error.value.problem.startswith(problem)


@pytest.mark.parametrize("version", ["2.0", "2.1", "10.0"])
def test_format_version_2_or_higher_is_refused(tmp_path: Path, version: str) -> None:
    with pytest.raises(InputError, match=f"format_version {version} is not supported"):
        load(tmp_path, plan([], format_version=version))


@pytest.mark.parametrize("version", ["x", "", True, None, "1"])
def test_unrecognised_format_version_is_refused(tmp_path: Path, version: object) -> None:
    with pytest.raises(InputError, match="unrecognised format_version"):
        load(tmp_path, plan([], format_version=version))


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_plan_file(tmp_path / "absent.json", display_path="absent.json")
    with pytest.raises(InputError, match="cannot read"):
        load_plan_file(tmp_path)


def test_utf16_and_bom_text_is_read(tmp_path: Path) -> None:
    doc = plan([change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"})])
    for encoding in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"{encoding}.json"
        path.write_bytes(json.dumps(doc).encode(encoding))
        assert load_plan_file(path).resources[0].values == {"cidr_block": "10.0.0.0/16"}


def test_detect_json_kind() -> None:
    assert detect_json_kind({"format_version": "1.2", "planned_values": {}}) == "plan"
    assert detect_json_kind({"resource_changes": []}) == "plan"
    assert detect_json_kind({"configuration": {}, "planned_values": {}}) == "plan"
    assert detect_json_kind({"format_version": "1.0", "values": {"root_module": {}}}) == "state"
    assert detect_json_kind({"format_version": "1.0", "terraform_version": "1.9.8"}) == "state"
    assert detect_json_kind({"format_version": "1.0", "provider_schemas": {}}) is None
    assert detect_json_kind({"values": [1]}) is None
    assert detect_json_kind({}) is None


def test_state_values_are_literal_with_modules_and_indexes(tmp_path: Path) -> None:
    def instance(address: str, index: object, **values: object) -> dict[str, object]:
        local = address.split(".")
        entry: dict[str, object] = {"address": address, "mode": "managed"}
        entry["type"] = local[-2].split("[")[0]
        entry |= {"name": local[-1].split("[")[0], "values": values}
        if index is not None:
            entry["index"] = index
        return entry

    state = {
        "format_version": "1.0",
        "terraform_version": "1.9.8",
        "values": {
            "root_module": {
                "resources": [instance("aws_vpc.main", None, id="vpc-1", cidr_block="10.0.0.0/16")],
                "child_modules": [
                    {
                        "address": 'module.net["a"]',
                        "resources": [
                            instance('module.net["a"].aws_subnet.public[0]', 0, vpc_id="vpc-1"),
                            instance('module.net["a"].aws_subnet.public[1]', 1, vpc_id="vpc-1")
                            | {"deposed_key": "00000001"},
                        ],
                    }
                ],
            }
        },
    }
    loaded = load(tmp_path, state, "state.json")
    assert loaded.kind == "state"
    assert loaded.path == str(tmp_path / "state.json")
    resources = by_address(loaded)
    assert list(resources) == ["aws_vpc.main", 'module.net["a"].aws_subnet.public[0]']
    subnet = resources['module.net["a"].aws_subnet.public[0]']
    assert (subnet.module, subnet.index, subnet.name) == ('module.net["a"]', 0, "public")
    # Literal ids stay literal: the builder links them by its id index.
    assert subnet.values == {"vpc_id": "vpc-1"}
    assert loaded.aws_provider_version is None


def test_empty_state_has_no_resources(tmp_path: Path) -> None:
    loaded = load(tmp_path, {"format_version": "1.0"})
    assert (loaded.kind, loaded.resources) == ("state", [])


def test_location_is_the_line_of_the_entry_in_its_section(tmp_path: Path) -> None:
    doc = plan(
        [change("aws_vpc.main", {"cidr_block": "10.0.0.0/16"})],
        # The same address in configuration comes first in the file and must not be used.
        configuration={"root_module": {"resources": [{"address": "aws_vpc.main"}]}},
    )
    text = json.dumps({"configuration": doc.pop("configuration"), **doc}, indent=2)
    path = tmp_path / "plan.json"
    path.write_text(text)
    loaded = load_plan_file(path, display_path="infra/plan.json")
    lines = text.splitlines()
    expected = next(
        number
        for number, line in enumerate(lines, 1)
        if '"address": "aws_vpc.main"' in line and number > lines.index('  "resource_changes": [')
    )
    assert loaded.resources[0].location == SourceLocation("infra/plan.json", expected)
    assert loaded.path == "infra/plan.json"


def test_provider_version_constraint_is_reported(tmp_path: Path) -> None:
    doc = plan([], root={"resources": []})
    doc["configuration"]["provider_config"] = {
        "random": {"name": "random", "version_constraint": "3.0.0"},
        "aws": {
            "name": "aws",
            "full_name": "registry.terraform.io/hashicorp/aws",
            "version_constraint": "~> 5.0",
        },
    }
    assert load(tmp_path, doc).aws_provider_version == "~> 5.0"


def test_the_shared_real_plans_are_there_to_test_against() -> None:
    # The parametrised tests over ../shared/plans would collect nothing, and prove nothing,
    # if the directory went missing.
    assert len(sorted(SHARED_PLANS.glob("*.json"))) >= 80, SHARED_PLANS
