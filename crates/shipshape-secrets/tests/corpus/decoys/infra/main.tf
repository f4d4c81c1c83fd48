resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "app"
  password = var.db_password
}

resource "random_password" "db" {
  length  = 32
  special = true
}

variable "api_token" {
  type      = string
  sensitive = true
}
