package modelcatalog

// BytesPerParam is the resident size of one parameter held at a weights
// dtype, scales included: BF16 2 bytes, FP8 1, NVFP4 ("fp4") 4 bits and
// an FP8 scale per 16 values, MXFP4 4 bits and an 8-bit scale per 32,
// INT4 (AWQ/GPTQ) 4 bits and an FP16 scale per group of 128. ok is false
// for a dtype it does not know. A checkpoint that keeps some layers (the
// embeddings, the head, attention) at a wider type is larger than its
// parameters at this size, never smaller.
func BytesPerParam(dtype string) (bytes float64, ok bool) {
	switch dtype {
	case "bf16":
		return 2, true
	case "fp8":
		return 1, true
	case "fp4":
		return 0.5 + 1.0/16, true
	case "mxfp4":
		return 0.5 + 1.0/32, true
	case "int4":
		return 0.5 + 2.0/128, true
	}
	return 0, false
}
