{"team": {"acme": {"developers": 200, "cost_center": "platform"}}}
