# A spec with nothing but comments.
// team "acme" { developers = 200 }
/* workload "chat" { share = 1 } */
