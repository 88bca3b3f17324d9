import Tensor
print("palm")
