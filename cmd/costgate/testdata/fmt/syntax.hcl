team "broken" {
  developers = [10,
}
