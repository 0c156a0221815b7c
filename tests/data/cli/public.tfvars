public_ip = true
