team "acme" {
  input_share = 0.8
}

workload "chat" {
}

override "q1" {
}
