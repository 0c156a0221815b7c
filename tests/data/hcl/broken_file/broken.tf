resource "aws_subnet" "half" {
  vpc_id     = aws_vpc.ok.id
  cidr_block = "10.40.1.0/24"

resource "aws_subnet" "never_closed" {
