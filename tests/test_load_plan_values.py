"""Plan values: unknown leaves (R-PLAN-2), R-TF-3 dropping, reference resolution (R-LINK-1)."""

from __future__ import annotations

from pathlib import Path

from load_plan_helpers import by_address, call, change, const, load, module, plan, refs
from load_plan_helpers import resource_config as res

from tfvpc.load.resources import Ref, Unknown


def test_known_values_stay_literal_and_sensitive_values_are_kept(tmp_path: Path) -> None:
    doc = plan(
        [
            change(
                "aws_db_instance.db",
                {"password": "hunter2", "vpc_security_group_ids": ["sg-0abc"], "port": 5432},
                after_sensitive={"password": True},
            )
        ],
        root=module([res("aws_db_instance.db", password=refs("var.password"))]),
    )
    values = load(tmp_path, doc).resources[0].values
    assert values == {"password": "hunter2", "vpc_security_group_ids": ["sg-0abc"], "port": 5432}


def test_unknown_attribute_not_configured_is_dropped(tmp_path: Path) -> None:
    # R-TF-3: egress and associate_public_ip_address are unset Optional+Computed attributes.
    doc = plan(
        [
            change(
                "aws_security_group.web",
                {"name": "web", "ingress": []},
                {"id": True, "egress": True, "vpc_id": True},
            ),
            change("aws_instance.app", {"ami": "ami-1"}, {"associate_public_ip_address": True}),
        ],
        root=module(
            [
                res("aws_security_group.web", name=const("web"), vpc_id=refs("var.vpc_id")),
                res("aws_instance.app", ami=const("ami-1")),
            ]
        ),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources["aws_security_group.web"].values == {
        "name": "web",
        "ingress": [],
        "vpc_id": Unknown(
            "vpc_id of aws_security_group.web is unknown until apply (references var.vpc_id)"
        ),
    }
    assert resources["aws_instance.app"].values == {"ami": "ami-1"}


def test_unknown_without_configuration_is_plain_unknown(tmp_path: Path) -> None:
    doc = plan([change("aws_instance.app", {"ami": "ami-1"}, {"subnet_id": True})])
    values = load(tmp_path, doc).resources[0].values
    assert values == {"ami": "ami-1", "subnet_id": Unknown("subnet_id is unknown until apply")}


def test_resource_reference_becomes_ref_with_module_prefix(tmp_path: Path) -> None:
    doc = plan(
        [
            change("module.net.aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, {"id": True}),
            change("module.net.aws_subnet.a", {"cidr_block": "10.0.1.0/24"}, {"vpc_id": True}),
        ],
        root=module(
            calls={
                "net": call(
                    module(
                        [
                            res("aws_vpc.main", cidr_block=const("10.0.0.0/16")),
                            res("aws_subnet.a", vpc_id=refs("aws_vpc.main.id", "aws_vpc.main")),
                        ]
                    )
                )
            }
        ),
    )
    subnet = by_address(load(tmp_path, doc))["module.net.aws_subnet.a"]
    assert subnet.values["vpc_id"] == Ref("module.net.aws_vpc.main", "id")
    assert (subnet.module, subnet.index) == ("module.net", None)


def test_terraform_012_whole_object_reference_means_id_or_arn(tmp_path: Path) -> None:
    # 0.12 lists only `aws_lb.front` for `aws_lb.front.arn`; an *_arn attribute takes its arn.
    doc = plan(
        [
            change("aws_lb.front", {"internal": False}, {"id": True, "arn": True}),
            change("aws_lb_listener.https", {"port": 443}, {"load_balancer_arn": True}),
        ],
        root=module([res("aws_lb_listener.https", load_balancer_arn=refs("aws_lb.front"))]),
    )
    values = by_address(load(tmp_path, doc))["aws_lb_listener.https"].values
    assert values["load_balancer_arn"] == Ref("aws_lb.front", "arn")


def test_unknown_leaves_inside_lists_keep_known_parts(tmp_path: Path) -> None:
    # ingress is one folded expression (attribute-as-blocks); its unknown SG id is resolved from
    # the references of that expression, the known CIDR rule stays literal.
    ingress_after = [
        {
            "from_port": 443,
            "to_port": 443,
            "protocol": "tcp",
            "cidr_blocks": ["0.0.0.0/0"],
            "security_groups": [],
        },
        {
            "from_port": 22,
            "to_port": 22,
            "protocol": "tcp",
            "cidr_blocks": [],
            "security_groups": [None],
        },
    ]
    doc = plan(
        [
            change("aws_security_group.bastion", {"name": "bastion"}, {"id": True}),
            change(
                "aws_security_group.web",
                {"ingress": ingress_after, "vpc_security_group_ids": ["sg-0known", None]},
                {
                    "ingress": [{"cidr_blocks": [False]}, {"security_groups": [True]}],
                    "vpc_security_group_ids": [False, True],
                },
            ),
        ],
        root=module(
            [
                res(
                    "aws_security_group.web",
                    ingress=refs("aws_security_group.bastion.id", "aws_security_group.bastion"),
                    vpc_security_group_ids=refs("aws_security_group.bastion.id"),
                )
            ]
        ),
    )
    values = by_address(load(tmp_path, doc))["aws_security_group.web"].values
    bastion = Ref("aws_security_group.bastion", "id")
    assert values["ingress"] == [
        ingress_after[0],
        {**ingress_after[1], "security_groups": [bastion]},
    ]
    assert values["vpc_security_group_ids"] == ["sg-0known", bastion]


def test_one_expression_with_several_unknowns_is_not_shared_out(tmp_path: Path) -> None:
    # Two ingress rules, each naming another SG, fold into one expression: which rule holds
    # which SG is not in the plan, so each unknown set may be either.
    doc = plan(
        [
            change("aws_security_group.lb", {}, {"id": True}),
            change("aws_security_group.bastion", {}, {"id": True}),
            change(
                "aws_security_group.app",
                {"ingress": [{"from_port": 80}, {"from_port": 22}]},
                {"ingress": [{"security_groups": True}, {"security_groups": True}]},
            ),
        ],
        root=module(
            [
                res(
                    "aws_security_group.app",
                    ingress=refs("aws_security_group.lb.id", "aws_security_group.bastion.id"),
                )
            ]
        ),
    )
    rules = by_address(load(tmp_path, doc))["aws_security_group.app"].values["ingress"]
    both = (Ref("aws_security_group.lb", "id"), Ref("aws_security_group.bastion", "id"))
    assert isinstance(rules, list)
    for rule, port in zip(rules, (80, 22), strict=True):
        assert rule == {
            "from_port": port,
            "security_groups": Unknown(
                f"ingress[{rules.index(rule)}].security_groups of aws_security_group.app is "
                "unknown until apply (references aws_security_group.lb.id, "
                "aws_security_group.bastion.id); it may be any of aws_security_group.lb, "
                "aws_security_group.bastion",
                both,
            ),
        }


def test_wholly_unknown_set_of_links_becomes_its_members(tmp_path: Path) -> None:
    # Providers plan a set holding an unknown id as wholly unknown.
    doc = plan(
        [
            change("aws_security_group.a", {}, {"id": True}),
            change("aws_security_group.b", {}, {"id": True}),
            change("aws_instance.web", {}, {"vpc_security_group_ids": True}),
            change("aws_instance.mixed", {}, {"vpc_security_group_ids": True}),
        ],
        root=module(
            [
                res(
                    "aws_instance.web",
                    vpc_security_group_ids=refs(
                        "aws_security_group.a.id",
                        "aws_security_group.a",
                        "aws_security_group.b.id",
                        "aws_security_group.b",
                    ),
                ),
                # concat([a.id], var.extra): the variable may add members the plan hides.
                res(
                    "aws_instance.mixed",
                    vpc_security_group_ids=refs("aws_security_group.a.id", "var.extra"),
                ),
            ]
        ),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources["aws_instance.web"].values["vpc_security_group_ids"] == [
        Ref("aws_security_group.a", "id"),
        Ref("aws_security_group.b", "id"),
    ]
    assert resources["aws_instance.mixed"].values["vpc_security_group_ids"] == Unknown(
        "vpc_security_group_ids of aws_instance.mixed is unknown until apply "
        "(references aws_security_group.a.id, var.extra)",
        (Ref("aws_security_group.a", "id"),),
    )


def test_wholly_unknown_set_keeps_ids_of_existing_members(tmp_path: Path) -> None:
    # An existing SG (no-op, id known) and a new one: the set is unknown only because of the
    # new one; the existing member is its literal id, which the builder links itself.
    doc = plan(
        [
            change("aws_security_group.old", {"id": "sg-0old"}, actions=("no-op",)),
            change("aws_security_group.new", {}, {"id": True}),
            change("aws_instance.web", {}, {"vpc_security_group_ids": True}),
        ],
        root=module(
            [
                res(
                    "aws_instance.web",
                    vpc_security_group_ids=refs(
                        "aws_security_group.old.id", "aws_security_group.new.id"
                    ),
                )
            ]
        ),
    )
    web = by_address(load(tmp_path, doc))["aws_instance.web"]
    assert web.values["vpc_security_group_ids"] == [
        Ref("aws_security_group.new", "id"),
        "sg-0old",
    ]


def test_count_index_matches_same_count(tmp_path: Path) -> None:
    # subnet_id = aws_subnet.public[count.index].id: the dynamic index leaves only the
    # resource-level reference; both resources have count = 2, so index i -> public[i].
    doc = plan(
        [
            change("aws_subnet.public[0]", {}, {"id": True}, index=0),
            change("aws_subnet.public[1]", {}, {"id": True}, index=1),
            change("aws_instance.web[0]", {}, {"subnet_id": True}, index=0),
            change("aws_instance.web[1]", {}, {"subnet_id": True}, index=1),
        ],
        root=module([res("aws_instance.web", subnet_id=refs("aws_subnet.public", "count.index"))]),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources["aws_instance.web[0]"].values["subnet_id"] == Ref("aws_subnet.public[0]")
    assert resources["aws_instance.web[1]"].values["subnet_id"] == Ref("aws_subnet.public[1]")
    assert resources["aws_instance.web[1]"].index == 1


def test_static_index_picks_that_instance(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_subnet.public[0]", {}, {"id": True}),
            change("aws_subnet.public[1]", {}, {"id": True}),
            change("aws_nat_gateway.main", {}, {"subnet_id": True}),
        ],
        root=module(
            [
                res(
                    "aws_nat_gateway.main",
                    subnet_id=refs(
                        "aws_subnet.public[1].id", "aws_subnet.public[1]", "aws_subnet.public"
                    ),
                )
            ]
        ),
    )
    nat = by_address(load(tmp_path, doc))["aws_nat_gateway.main"]
    assert nat.values["subnet_id"] == Ref("aws_subnet.public[1]", "id")


def test_different_counts_are_ambiguous_with_candidates(tmp_path: Path) -> None:
    doc = plan(
        [
            *(change(f"aws_subnet.public[{i}]", {}, {"id": True}) for i in range(3)),
            change("aws_instance.web[0]", {}, {"subnet_id": True}),
            change("aws_instance.web[1]", {}, {"subnet_id": True}),
        ],
        root=module([res("aws_instance.web", subnet_id=refs("aws_subnet.public", "count.index"))]),
    )
    value = by_address(load(tmp_path, doc))["aws_instance.web[0]"].values["subnet_id"]
    assert value == Unknown(
        "subnet_id of aws_instance.web[0] is unknown until apply (references "
        "aws_subnet.public, count.index); it may be any of aws_subnet.public[0], "
        "aws_subnet.public[1], aws_subnet.public[2]",
        tuple(Ref(f"aws_subnet.public[{i}]") for i in range(3)),
    )


def test_for_each_keys_match_and_each_value_follows_the_collection(tmp_path: Path) -> None:
    doc = plan(
        [
            change('aws_subnet.s["a"]', {}, {"id": True}, index="a"),
            change('aws_subnet.s["b"]', {}, {"id": True}, index="b"),
            change('aws_route_table_association.r["a"]', {}, {"subnet_id": True}, index="a"),
            change('aws_route_table_association.r["b"]', {}, {"subnet_id": True}, index="b"),
            change('aws_network_interface.n["b"]', {}, {"subnet_id": True}, index="b"),
        ],
        root=module(
            [
                res(
                    "aws_route_table_association.r",
                    subnet_id=refs("aws_subnet.s", "each.key"),
                    for_each_expression=refs("var.azs"),
                ),
                # for_each = aws_subnet.s; subnet_id = each.value.id
                res(
                    "aws_network_interface.n",
                    subnet_id=refs("each.value.id", "each.value"),
                    for_each_expression=refs("aws_subnet.s"),
                ),
            ]
        ),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources['aws_route_table_association.r["a"]'].values["subnet_id"] == Ref(
        'aws_subnet.s["a"]'
    )
    assert resources['aws_route_table_association.r["b"]'].index == "b"
    # n has only key "b", s has "a" and "b": not the same shape, but each.value is s["b"].
    eni = resources['aws_network_interface.n["b"]']
    assert eni.values["subnet_id"] == Ref('aws_subnet.s["b"]', "id")


def test_module_variable_resolves_to_the_callers_expression(tmp_path: Path) -> None:
    # module "app" { for_each = ...; subnet_id = aws_subnet.s[each.key].id } and, inside,
    # aws_instance.web.subnet_id = var.subnet_id.
    inner = module([res("aws_instance.web", subnet_id=refs("var.subnet_id"))])
    doc = plan(
        [
            change('aws_subnet.s["x"]', {}, {"id": True}),
            change('aws_subnet.s["y"]', {}, {"id": True}),
            change('module.app["x"].aws_instance.web', {}, {"subnet_id": True}),
            change('module.app["y"].aws_instance.web', {}, {"subnet_id": True}),
        ],
        root=module(
            calls={"app": call(inner, "for_each", subnet_id=refs("aws_subnet.s", "each.key"))}
        ),
    )
    resources = by_address(load(tmp_path, doc))
    web_y = resources['module.app["y"].aws_instance.web']
    assert web_y.values["subnet_id"] == Ref('aws_subnet.s["y"]')
    assert (web_y.module, web_y.index) == ('module.app["y"]', None)


def test_module_output_resolves_inside_the_child(tmp_path: Path) -> None:
    # subnet_id = module.vpc.private_subnets[count.index] with aws_subnet.private[*].id output.
    vpc = module(
        [res("aws_subnet.private", vpc_id=refs("aws_vpc.this"))],
        outputs={"private_subnets": refs("aws_subnet.private")},
    )
    doc = plan(
        [
            change("module.vpc.aws_subnet.private[0]", {}, {"id": True}),
            change("module.vpc.aws_subnet.private[1]", {}, {"id": True}),
            change("aws_instance.app[0]", {}, {"subnet_id": True}),
            change("aws_instance.app[1]", {}, {"subnet_id": True}),
            change("aws_lb.front", {}, {"subnets": True}),
        ],
        root=module(
            [
                res(
                    "aws_instance.app",
                    subnet_id=refs("module.vpc.private_subnets", "module.vpc", "count.index"),
                ),
                res("aws_lb.front", subnets=refs("module.vpc.private_subnets", "module.vpc")),
            ],
            calls={"vpc": call(vpc)},
        ),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources["aws_instance.app[1]"].values["subnet_id"] == Ref(
        "module.vpc.aws_subnet.private[1]"
    )
    assert resources["aws_lb.front"].values["subnets"] == [
        Ref("module.vpc.aws_subnet.private[0]"),
        Ref("module.vpc.aws_subnet.private[1]"),
    ]


def test_locals_cannot_be_followed_and_give_no_candidates(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_vpc.this", {}, {"id": True}),
            change("aws_subnet.a", {}, {"vpc_id": True}),
        ],
        root=module([res("aws_subnet.a", vpc_id=refs("local.vpc_id"))]),
    )
    subnet = by_address(load(tmp_path, doc))["aws_subnet.a"]
    assert subnet.values["vpc_id"] == Unknown(
        "vpc_id of aws_subnet.a is unknown until apply (references local.vpc_id); "
        "local.vpc_id cannot be followed in a plan"
    )


def test_known_sources_are_not_candidates(tmp_path: Path) -> None:
    # vpc_id = var.vpc_id != "" ? data.aws_vpc.shared.id : aws_vpc.new.id; unknown => aws_vpc.new
    doc = plan(
        [
            change("data.aws_vpc.shared", {"id": "vpc-0shared"}, actions=("read",)),
            change("aws_vpc.new", {}, {"id": True}),
            change("aws_subnet.a", {}, {"vpc_id": True}),
        ],
        root=module(
            [
                res(
                    "aws_subnet.a",
                    vpc_id=refs("var.vpc_id", "data.aws_vpc.shared.id", "aws_vpc.new.id"),
                )
            ]
        ),
    )
    resources = by_address(load(tmp_path, doc))
    assert resources["aws_subnet.a"].values["vpc_id"] == Ref("aws_vpc.new", "id")
    assert resources["data.aws_vpc.shared"].mode == "data"


def test_non_link_attribute_is_never_a_ref(tmp_path: Path) -> None:
    # cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 1): the value is not the VPC's CIDR.
    doc = plan(
        [
            change("aws_vpc.main", {}, {"id": True, "cidr_block": True}),
            change("aws_subnet.a", {}, {"cidr_block": True}),
        ],
        root=module(
            [
                res("aws_vpc.main", ipv4_ipam_pool_id=refs("var.pool")),
                res("aws_subnet.a", cidr_block=refs("aws_vpc.main.cidr_block", "aws_vpc.main")),
            ]
        ),
    )
    subnet = by_address(load(tmp_path, doc))["aws_subnet.a"]
    assert subnet.values["cidr_block"] == Unknown(
        "cidr_block of aws_subnet.a is unknown until apply (references aws_vpc.main.cidr_block)"
    )


def test_attribute_missing_from_configuration_with_known_parts(tmp_path: Path) -> None:
    # Old plans and dynamic blocks leave the route blocks out of configuration: the known
    # destination stays, the unknown target is unknown (not dropped, not guessed).
    doc = plan(
        [
            change(
                "aws_route_table.public",
                {"route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": ""}]},
                {"route": [{"gateway_id": True}], "id": True},
            )
        ],
        root=module([res("aws_route_table.public", vpc_id=refs("aws_vpc.main"))]),
    )
    values = load(tmp_path, doc).resources[0].values
    assert values == {
        "route": [
            {
                "cidr_block": "0.0.0.0/0",
                "nat_gateway_id": "",
                "gateway_id": Unknown(
                    "route[0].gateway_id of aws_route_table.public is unknown until apply (set "
                    "by a dynamic block or not recorded in the plan's configuration)"
                ),
            }
        ]
    }


def test_nested_block_attribute_unset_is_dropped_and_set_is_resolved(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_subnet.a", {}, {"id": True}),
            change(
                "aws_lb.nlb",
                {"subnet_mapping": [{"allocation_id": "eipalloc-1"}]},
                {"subnet_mapping": [{"subnet_id": True, "private_ipv4_address": True}]},
            ),
        ],
        root=module(
            [
                res(
                    "aws_lb.nlb",
                    subnet_mapping=[
                        {
                            "subnet_id": refs("aws_subnet.a.id", "aws_subnet.a"),
                            "allocation_id": const("eipalloc-1"),
                        }
                    ],
                )
            ]
        ),
    )
    lb = by_address(load(tmp_path, doc))["aws_lb.nlb"]
    assert lb.values == {
        "subnet_mapping": [{"allocation_id": "eipalloc-1", "subnet_id": Ref("aws_subnet.a", "id")}]
    }


def test_deleted_forgotten_and_deposed_instances_are_left_out(tmp_path: Path) -> None:
    doc = plan(
        [
            change("aws_instance.old", {}, actions=("delete",)),
            change("aws_instance.forgotten", {"ami": "x"}, actions=("forget",)),
            change("aws_instance.replaced", {"ami": "new"}, actions=("create", "delete")),
            change("aws_instance.replaced", {"ami": "old"}, actions=("delete",), deposed="1"),
        ],
        planned_values={
            "root_module": {
                "resources": [
                    {
                        "address": "aws_instance.old",
                        "mode": "managed",
                        "type": "aws_instance",
                        "name": "old",
                        "values": {"ami": "stale"},
                    },
                    {
                        "address": "aws_eip.planned_only",
                        "mode": "managed",
                        "type": "aws_eip",
                        "name": "planned_only",
                        "values": {"domain": "vpc"},
                    },
                ]
            }
        },
    )
    resources = by_address(load(tmp_path, doc))
    assert list(resources) == ["aws_instance.replaced", "aws_eip.planned_only"]
    assert resources["aws_instance.replaced"].values == {"ami": "new"}
    assert resources["aws_eip.planned_only"].values == {"domain": "vpc"}


def test_prior_state_fills_in_instances_outside_the_plan(tmp_path: Path) -> None:
    doc = plan(
        [change("aws_instance.a", {"ami": "x"})],
        prior_state={
            "format_version": "1.0",
            "values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "aws_instance.a",
                            "mode": "managed",
                            "type": "aws_instance",
                            "name": "a",
                            "values": {"ami": "old"},
                        },
                        {
                            "address": "aws_vpc.untargeted",
                            "mode": "managed",
                            "type": "aws_vpc",
                            "name": "untargeted",
                            "values": {"id": "vpc-1"},
                        },
                        {
                            "address": "data.aws_vpc.x",
                            "mode": "data",
                            "type": "aws_vpc",
                            "name": "x",
                            "values": {"id": "vpc-2"},
                        },
                    ]
                }
            },
        },
        complete=False,
    )
    loaded = load(tmp_path, doc)
    resources = by_address(loaded)
    assert list(resources) == ["aws_instance.a", "aws_vpc.untargeted", "data.aws_vpc.x"]
    assert resources["aws_instance.a"].values == {"ami": "x"}
    assert loaded.notes == [
        "1 resource instance(s) without a planned value (for example outside -target) were read "
        "from prior_state as they are now",
        "Terraform marked this plan incomplete (complete: false): it may not show every change",
    ]


def test_malformed_entries_become_problems_not_crashes(tmp_path: Path) -> None:
    doc = plan(
        [
            "not an object",
            {"mode": "managed"},
            change("aws_vpc.ok", {"cidr_block": "10.0.0.0/16"}),
            change("aws_vpc.ok", {"cidr_block": "10.1.0.0/16"}),
            change("aws_vpc.bad", ["not", "an", "object"]),  # type: ignore[arg-type]
        ]
    )
    loaded = load(tmp_path, doc)
    assert [r.address for r in loaded.resources] == ["aws_vpc.ok"]
    assert loaded.resources[0].values == {"cidr_block": "10.0.0.0/16"}
    assert [(p.rule_id, p.subject) for p in loaded.problems] == [
        ("TFV001", "resource_changes[0]"),
        ("TFV001", "resource_changes[1]"),
        ("TFV001", "aws_vpc.ok"),
        ("TFV001", "aws_vpc.bad"),
    ]
    assert loaded.problems[2].message == "the plan entry appears twice; it was skipped"


def test_collection_in_counted_resource_follows_the_same_count(tmp_path: Path) -> None:
    # vpc_security_group_ids = [aws_security_group.per_host[count.index].id], both count = 2.
    doc = plan(
        [
            change("aws_security_group.per_host[0]", {}, {"id": True}),
            change("aws_security_group.per_host[1]", {}, {"id": True}),
            change("aws_instance.host[0]", {}, {"vpc_security_group_ids": True}),
            change("aws_instance.host[1]", {}, {"vpc_security_group_ids": True}),
        ],
        root=module(
            [
                res(
                    "aws_instance.host",
                    vpc_security_group_ids=refs("aws_security_group.per_host", "count.index"),
                )
            ]
        ),
    )
    host = by_address(load(tmp_path, doc))["aws_instance.host[1]"]
    assert host.values["vpc_security_group_ids"] == [Ref("aws_security_group.per_host[1]")]


def test_repeated_module_output_follows_the_same_for_each(tmp_path: Path) -> None:
    # for_each = var.envs on both; vpc_id = module.net[each.key].vpc_id (0.13 lists module.net).
    net = module([res("aws_vpc.this")], outputs={"vpc_id": refs("aws_vpc.this.id")})
    doc = plan(
        [
            change('module.net["dev"].aws_vpc.this', {}, {"id": True}),
            change('module.net["prod"].aws_vpc.this', {}, {"id": True}),
            change('aws_subnet.a["dev"]', {}, {"vpc_id": True}),
            change('aws_subnet.a["prod"]', {}, {"vpc_id": True}),
        ],
        root=module(
            [
                res(
                    "aws_subnet.a",
                    vpc_id=refs("module.net.vpc_id", "module.net", "each.key"),
                    for_each_expression=refs("var.envs"),
                )
            ],
            calls={"net": call(net, "for_each")},
        ),
    )
    subnet = by_address(load(tmp_path, doc))['aws_subnet.a["prod"]']
    assert subnet.values["vpc_id"] == Ref('module.net["prod"].aws_vpc.this', "id")


def test_reference_cycles_in_hostile_configuration_end_unresolved(tmp_path: Path) -> None:
    # module m's output reads var.x, which the caller sets to module m's output: Terraform
    # would refuse this; the loader must stop and call it unknown.
    inner = module([res("aws_instance.web", subnet_id=refs("var.x"))], outputs={"o": refs("var.x")})
    doc = plan(
        [change("module.m.aws_instance.web", {}, {"subnet_id": True})],
        root=module(calls={"m": call(inner, x=refs("module.m.o", "module.m"))}),
    )
    value = load(tmp_path, doc).resources[0].values["subnet_id"]
    assert isinstance(value, Unknown)
    assert value.candidates == ()
    assert value.reason.startswith("subnet_id of module.m.aws_instance.web is unknown until apply")
    assert "cannot be followed in a plan" in value.reason


def test_data_source_read_at_apply_keeps_its_unknown_results(tmp_path: Path) -> None:
    # A data source has no defaults: unset unknowns are results of the read, not R-TF-3 drops.
    doc = plan(
        [
            change("aws_vpc.new", {}, {"id": True}),
            change("data.aws_vpc.read", {}, {"id": True, "cidr_block": True}, actions=("read",)),
        ],
        root=module([res("data.aws_vpc.read", id=refs("aws_vpc.new.id", "aws_vpc.new"))]),
    )
    read = by_address(load(tmp_path, doc))["data.aws_vpc.read"]
    assert read.mode == "data"
    assert read.values == {
        "id": Ref("aws_vpc.new", "id"),
        "cidr_block": Unknown(
            "cidr_block of data.aws_vpc.read is unknown until the data source is read at apply"
        ),
    }
