team "acme" {
  developers = 200
}

workload "chat" {
  share = 1
}

override "q1" {
  policy = "spend.approval"
}
