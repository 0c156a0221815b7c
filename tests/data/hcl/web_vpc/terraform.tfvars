admin_cidr  = "203.0.113.0/24"
admin_ports = [22, 3389]
