variable "apigee_endpoint" {
  description = "Apigee API endpoint; null for https://apigee.googleapis.com (tests point it at a fake)."
  type        = string
  default     = null
}

variable "organization" {
  description = "The Apigee organization (its Google Cloud project id)."
  type        = string
  default     = "acme"
}

variable "environments" {
  description = "Environments whose configuration is exported; null: all of them."
  type        = list(string)
  default     = null
}

variable "container_url" {
  description = "SAS URL of the blob container exports go to (read, write, delete, list)."
  type        = string
  sensitive   = true
  ephemeral   = true
}
